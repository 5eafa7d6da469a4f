"""The plug-in contract for funders' top-ups (abondements): the funding app implements
providers; the catalogue calls them. Providers are classes named by dotted path in the
setting `CATALOG_TOPUP_PROVIDERS` (default: none), instantiated without arguments.

Each provider has:
- `funder_credit_cents(ctx) -> int`: how much of the holder's funder-credits part of the
  ledger may pay this training (restricted dotations); the plan takes the smallest
  answer of all providers; with no provider, the whole available funder part;
- `evaluate(ctx) -> list[TopUp]`: read-only, for display before accepting;
- `commit(ctx, file_reference) -> list[TopUp]`: inside the acceptance's transaction
  (may return less than `evaluate` if an envelope ran out);
- `release(file_reference) -> None`: on cancellation before entry;
- `settle(file_reference, numerator, denominator) -> None`: at service fait, pro rata.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from passeport.people.models import Person


@dataclass(frozen=True)
class PurchaseContext:
    person: "Person"
    day: datetime.date
    price_cents: int
    rights_cents: int
    certification_code: str  # "RNCP12345" / "RS1234" / ""
    rome_codes: tuple[str, ...]
    formacodes: tuple[str, ...]
    provider_siret: str
    modality: str  # "in_person" | "remote" | "mixed"
    department_code: str  # of the session's place; "" when remote
    region_code: str


@dataclass(frozen=True)
class TopUp:
    funder_name: str
    amount_cents: int
    exempts_contribution: bool
    reference: str


def providers() -> list:
    return [import_string(path)() for path in getattr(settings, "CATALOG_TOPUP_PROVIDERS", [])]
