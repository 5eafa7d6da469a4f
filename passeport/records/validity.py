"""A training's validity, computed once for every page, export, credential and PDF.

The state (valid, expiring, expired, without end) and its French sentences come from
here; the end of validity itself is the record's (`PreventionTraining.valid_until`, the
declared end or, when none was declared, the catalogue's renewal period, fixed when the
record was stored). A declaration line shows the same end through
`prevention.catalogue.effective_validity_end`, the function that fixed it."""

import datetime
from dataclasses import dataclass

from django.db import models

EXPIRING_SOON_DAYS = 90


class ValidityState(models.TextChoices):
    VALID = "valid", "Valide"
    EXPIRING = "expiring", "Expire bientôt"
    EXPIRED = "expired", "Expirée"
    PERMANENT = "permanent", "Sans date de fin"


def _fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Validity:
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    state: str

    @property
    def label(self) -> str:
        """The badge: « Valide jusqu'au 17/11/2028 », « Valide sans date de fin »…"""
        if self.valid_until is None:
            return "Valide sans date de fin"
        until = _fr(self.valid_until)
        return {
            ValidityState.VALID: f"Valide jusqu'au {until}",
            ValidityState.EXPIRING: f"Expire bientôt : le {until}",
            ValidityState.EXPIRED: f"Expirée depuis le {until}",
        }[self.state]

    @property
    def period(self) -> str:
        """The period: « Du 17/11/2025 au 17/11/2028 », « Du 17/11/2025, sans date de fin »."""
        start = f"Du {_fr(self.valid_from)}" if self.valid_from else "Valide"
        if self.valid_until is None:
            return f"{start}, sans date de fin"
        return f"{start} au {_fr(self.valid_until)}"


def validity(
    valid_from: datetime.date | None, valid_until: datetime.date | None, today: datetime.date
) -> Validity:
    if valid_until is None:
        state = ValidityState.PERMANENT
    elif valid_until < today:
        state = ValidityState.EXPIRED
    elif (valid_until - today).days <= EXPIRING_SOON_DAYS:
        state = ValidityState.EXPIRING
    else:
        state = ValidityState.VALID
    return Validity(valid_from, valid_until, state)
