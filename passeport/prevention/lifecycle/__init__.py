"""The life of a prevention declaration after it is made: corrections and cancellation
by the declarant, the employer's verification of a provider's declaration, and the
employer's "reprise".

Unlike the real service, a declaration can be **corrected** and **cancelled**:

- a correction of one line (its trainee block) or of the declaration's training block
  (applied to all its active lines) is checked by the very rules of a new declaration
  (`rules.Rules`, the line rebuilt in the official columns), then each affected passport
  entry becomes a new version through `records.services.revise` (reason mandatory); the
  `DeclarationLine` / `Declaration` rows take the corrected values (their digest too, so
  that sending the old line again is a double declaration, sending the corrected one
  "already declared");
- a cancellation goes through `records.services.cancel`; the line keeps its
  `ID_UNIQUE_PARTENAIRE` for ever (re-using it stays a double declaration).

Verification (décret 2025-748): when a provider declares with `PRESENCE_EMPLOYEUR=OUI`,
the named employer may **confirm** the line or **ask for a correction** until the line's
`review_deadline` (6 months after the end of the quarter, `deadlines.review_before`);
a pending line whose deadline has passed is **deemed verified**. The daily command
`settle_prevention_reviews` stores that state, and `effective_review_status` computes
it on display, so a late cron never shows a stale state. Rules we chose where the text
is silent:

- a correction of a line under review puts it back to "pending" (the employer verifies
  the new version), with the deadline of the corrected dates; after that deadline the
  corrected line is deemed verified like any other;
- a line whose employer asked for a correction is not deemed verified by silence: the
  provider must answer by correcting (or cancelling) it, and the employer may still
  confirm it;
- an employer may confirm a line on which it asked for a correction, and ask for a
  correction of a line it confirmed, until the deadline.

The employer's messages and every transition are journaled on the line
(`object_type="prevention.DeclarationLine"`, the line's public id): the journal is the
line's transition log, append-only, and the source of the histories shown to the
declarant, the employer and the holder.

**Reprise**: if the provider has not declared within its deadline (3 months after the
quarter, plus the transitional extension), the employer may declare the training itself,
from `deadlines.reprise_from` until its own deadline (`deadlines.declare_before` for an
employer). Rule chosen: the employer's declaration (`DeclarantRole.EMPLOYER`, through any
channel) is accepted as it is, and stays valid **even if the provider later declares the
same training**: both entries are kept, each with its declarant, and
`provider_duplicates` shows the provider's declaration next to the employer's so that
the employer may cancel its own if it wishes; nothing is merged or removed
automatically (a guaranteed entry is never dropped on a guess).
"""

from .cancellation import cancel_declaration, cancel_line, is_cancelled
from .corrections import (
    LINE_COLUMNS,
    RECORD_CONTENT_FIELDS,
    Correction,
    correct_declaration,
    correct_line,
    current_values,
)
from .errors import LifecycleError
from .history import (
    ACTION_LABELS,
    DECLARATION_OBJECT,
    LINE_OBJECT,
    HistoryItem,
    correction_messages,
    history,
)
from .permissions import can_manage_declarations, can_review_line, member_actor
from .reprise import RepriseWindow, is_reprise, provider_duplicates, reprise_window
from .reviews import (
    REVIEWABLE,
    SETTLE_ACTOR,
    confirm,
    due_for_settlement,
    effective_review_q,
    effective_review_status,
    request_correction,
    review_open,
    settle_reviews,
)

__all__ = [
    "ACTION_LABELS",
    "DECLARATION_OBJECT",
    "LINE_COLUMNS",
    "LINE_OBJECT",
    "RECORD_CONTENT_FIELDS",
    "REVIEWABLE",
    "SETTLE_ACTOR",
    "Correction",
    "HistoryItem",
    "LifecycleError",
    "RepriseWindow",
    "can_manage_declarations",
    "can_review_line",
    "cancel_declaration",
    "cancel_line",
    "confirm",
    "correct_declaration",
    "correct_line",
    "correction_messages",
    "current_values",
    "due_for_settlement",
    "effective_review_q",
    "effective_review_status",
    "history",
    "is_cancelled",
    "is_reprise",
    "member_actor",
    "provider_duplicates",
    "reprise_window",
    "request_correction",
    "review_open",
    "settle_reviews",
]
