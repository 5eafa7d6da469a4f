"""Where training leads will find sessions and their cost once the catalogue exists.

A training lead names certifications (RNCP/RS) and blocs. The catalogue of training
offers (LHEO sessions, EDOF) and the CPF rights ledger are not part of the project yet:
`NoCatalogue` answers that nothing is available, and the pages say so. When they land,
a class with the same two members, named by the setting `ORIENTATION_SESSION_SOURCE`,
returns the sessions of those certifications near the holder (their department and
region, or remote) with what each would cost this holder after rights and top-ups; the
leads and their pages show them without any other change.
"""

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SOURCE = "passeport.orientation.sessions.NoCatalogue"


@dataclass(frozen=True)
class SessionOffer:
    certification_code: str  # RNCP12345 / RS5286
    provider_name: str
    place: str  # "Lille (59)", or "À distance"
    remote: bool
    starts_on: datetime.date | None
    price_cents: int  # integer cents, never floats
    rights_cents: int  # what the holder's CPF rights would pay
    top_ups_cents: int  # what funders' top-ups would pay
    apply_url: str  # one click from applying

    @property
    def to_pay_cents(self) -> int:
        return max(self.price_cents - self.rights_cents - self.top_ups_cents, 0)


class SessionSource(Protocol):
    available: bool

    def sessions_for(self, person, codes: list[str]) -> dict[str, list[SessionOffer]]: ...


class NoCatalogue:
    """The catalogue does not exist yet: no session, and the pages say why."""

    available = False

    def sessions_for(self, person, codes):
        return {}


def source() -> SessionSource:
    return import_string(getattr(settings, "ORIENTATION_SESSION_SOURCE", DEFAULT_SOURCE))()
