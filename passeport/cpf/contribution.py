"""The participation forfaitaire: what a holder pays on each purchase with CPF rights
(L.6323-7, décret 2024-394), as dated data, and its exemptions. The purchase (issue #14)
calls `participation_forfaitaire(day, …)`; `split_purchase` applies the worked examples of
docs/domain.md (the holder pays max(contribution, price − rights); rights cover the rest).

Amounts are indexed on prices: a new amount is one more line of `AMOUNTS`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class DatedAmount:
    since: datetime.date
    cents: int
    source: str


AMOUNTS = (
    DatedAmount(datetime.date(2024, 5, 2), 10_000, "décret n° 2024-394 du 29 avril 2024"),
    DatedAmount(datetime.date(2025, 1, 1), 10_223, "revalorisation au 1er janvier 2025"),
    DatedAmount(datetime.date(2026, 1, 1), 10_320, "arrêté du 30 décembre 2025"),
)


class Exemption(models.TextChoices):
    JOB_SEEKER = "job_seeker", "Demandeur d'emploi"
    EMPLOYER_COFUNDED = (
        "employer_cofunded",
        ("Formation cofinancée par l'employeur (y compris par accord ou par un OPCO)"),
    )
    C2P = "c2p", "Points du compte professionnel de prévention (C2P)"
    ATMP = "atmp", "Abondement pour accident du travail ou maladie professionnelle (≥ 10 %)"


@dataclass(frozen=True)
class Participation:
    cents: int
    exemption: str = ""  # an Exemption value, or "" when due
    since: datetime.date | None = None
    source: str = ""

    @property
    def explanation(self) -> str:
        if self.exemption:
            return f"Pas de participation forfaitaire : {Exemption(self.exemption).label.lower()}."
        if not self.since:
            return "Pas de participation forfaitaire avant le 2 mai 2024."
        whole, rest = divmod(self.cents, 100)
        return (
            f"Participation forfaitaire de {whole},{rest:02d} € depuis le "
            f"{self.since:%d/%m/%Y} ({self.source}) ; elle ne peut pas être payée avec les "
            "droits CPF, l'employeur ou un OPCO peut la prendre en charge."
        )


def participation_forfaitaire(
    day: datetime.date, *, exemptions: Iterable[str] = ()
) -> Participation:
    """What the holder pays of a purchase validated on `day` (0 when exempt or before
    2 May 2024). `exemptions`: Exemption values that apply to this purchase."""
    chosen = [Exemption(value) for value in exemptions]
    if chosen:
        return Participation(0, exemption=chosen[0].value)
    current = None
    for amount in AMOUNTS:
        if amount.since <= day:
            current = amount
    if current is None:
        return Participation(0)
    return Participation(current.cents, since=current.since, source=current.source)


@dataclass(frozen=True)
class PurchaseSplit:
    price_cents: int
    rights_cents: int  # paid with CPF rights
    holder_cents: int  # paid by the holder (the participation and what rights lack)
    participation: Participation


def split_purchase(
    price_cents: int,
    available_rights_cents: int,
    day: datetime.date,
    *,
    exemptions: Iterable[str] = (),
) -> PurchaseSplit:
    """390 € with 350 € of rights → the holder pays 100 €, rights 290 € (2024);
    2,150 € with 1,800 € → 350 € and 1,800 €."""
    if price_cents < 0 or available_rights_cents < 0:
        raise ValueError("Prix et droits sont positifs.")
    participation = participation_forfaitaire(day, exemptions=exemptions)
    holder = min(price_cents, max(participation.cents, price_cents - available_rights_cents))
    return PurchaseSplit(price_cents, price_cents - holder, holder, participation)
