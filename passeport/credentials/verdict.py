"""What every verifier in the service answers: a list of checks in plain French.

Shared by the credential verifiers (SD-JWT VC, Open Badges 3.0), the sealed-PDF
verifier and the share-link page, so the public verifier page and API render one shape.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Check:
    """One check: what was checked, whether it holds, and why, in French."""

    code: str  # stable machine name: "issuer", "integrity", "status", "expiry", "disclosures"…
    label: str  # "Émis par Passeport"
    ok: bool
    detail: str = ""  # "Clé Ed25519 « 2026-11 » publiée depuis le 23/11/2026"

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Verdict:
    """The answer for one item: valid only when every check holds."""

    kind: str  # "sd-jwt-vc", "open-badge-3", "pdf", "share-link"
    checks: list[Check] = dataclasses.field(default_factory=list)
    # What the item says, once checked (for SD-JWT: only the disclosed claims).
    claims: dict = dataclasses.field(default_factory=dict)
    disclosed: list[str] = dataclasses.field(default_factory=list)
    key_id: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def disclosed_labels(self) -> list[str]:
        from .display import label

        return [label(name) for name in self.disclosed]

    def add(self, code: str, label: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(code, label, ok, detail))
        return ok

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "valid": self.ok,
            "checks": [check.as_dict() for check in self.checks],
            "claims": self.claims,
            "disclosed": self.disclosed,
            "key_id": self.key_id,
        }
