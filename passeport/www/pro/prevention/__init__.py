"""The professional's prevention pages (`/pro/…/prevention/…`), one page family per
module: `declare` (the web form), `imports` (file import), `declarations` (the
declarant's list and a declaration's page), `corrections` (correcting and cancelling),
`reviews` (the employer's verification and reprise), `eligibility`; `access` (who may
see them, what they share) and `forms`."""
