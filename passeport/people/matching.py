"""Finding the person a source speaks of, or saying precisely why not.

Every source identifies people its own way: DSN and prevention files by NIR (13
characters) and birth name, certifiers' accrochage files by NIR or by birth identity,
FranceConnect by a pivot identity without NIR. A match must be unique and consistent;
otherwise it is refused with a French reason, never guessed.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from passeport.referentials.text import normalize

from .enums import FRANCE_COUNTRY_CODE
from .models import Person
from .nir import NirError, validate_nir, validate_nir13

# A city's code stands for any of its arrondissements (people born in Paris, Lyon or
# Marseille are registered by arrondissement).
CITY_ARRONDISSEMENTS = {
    "75056": ("75101", "75120"),
    "69123": ("69381", "69389"),
    "13055": ("13201", "13216"),
}


class MatchError(Exception):
    """Carries the French message shown to whoever sent the data, and a stable code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BirthIdentity:
    birth_name: str
    first_names: str  # space-separated; only the first one has to agree
    birth_year: int
    birth_month: int | None = None
    birth_day: int | None = None
    sex: str | None = None  # "M" / "F"
    birth_commune_code: str = ""
    birth_country_code: str = FRANCE_COUNTRY_CODE

    @property
    def birth_date(self) -> datetime.date | None:
        if self.birth_month and self.birth_day:
            return datetime.date(self.birth_year, self.birth_month, self.birth_day)
        return None


def name_key(value: str) -> str:
    """Names compared without case, accents, hyphens or apostrophes: « Le Bihan-Lefèvre »
    is « le bihan lefevre » (the form stored in `Person.birth_name_key`)."""
    return normalize(value)


def same_place(code_a: str, code_b: str) -> bool:
    a, b = code_a.strip().upper(), code_b.strip().upper()
    if a == b:
        return True
    if {a[:2], b[:2]} & {"20"} and {a[:2], b[:2]} & {"2A", "2B"}:
        return a[2:] == b[2:]  # Corsica: 20 before 1976, 2A/2B since
    for city, (first, last) in CITY_ARRONDISSEMENTS.items():
        if (a == city and first <= b <= last) or (b == city and first <= a <= last):
            return True
    return False


def match_by_nir(nir: str, birth_name: str | None = None) -> Person:
    """The person with this NIR (13 characters, or 15 with the key), checked against the
    birth name when the source gives one."""
    cleaned = nir.replace(" ", "").upper()
    try:
        if len(cleaned) == 13:
            validate_nir13(cleaned)
        else:
            validate_nir(cleaned)
    except NirError as error:
        raise MatchError("nir_invalid", error.message) from error
    person = Person.objects.by_nir(cleaned).first()
    if person is None:
        raise MatchError("unknown_nir", "Aucun titulaire ne correspond à ce NIR.")
    if birth_name is not None and name_key(birth_name) != name_key(person.birth_name):
        raise MatchError(
            "birth_name_mismatch",
            "Le nom de naissance ne correspond pas à celui du titulaire de ce NIR.",
        )
    return person


def match_by_birth_identity(identity: BirthIdentity) -> Person:
    """The one person whose birth identity agrees with `identity`; nothing is guessed."""
    candidates = Person.objects.filter(
        birth_name_key=name_key(identity.birth_name), birth_year=identity.birth_year
    ).order_by("pk")
    # An unknown month or day on our side is not held against the match.
    if identity.birth_month:
        candidates = candidates.filter(
            Q(birth_month__isnull=True) | Q(birth_month=identity.birth_month)
        )
    if identity.birth_day:
        candidates = candidates.filter(Q(birth_day__isnull=True) | Q(birth_day=identity.birth_day))
    if identity.sex:
        candidates = candidates.filter(sex=identity.sex)
    given = name_key(identity.first_names).split()
    matches = [
        person
        for person in candidates
        if _first_names_agree(given, name_key(person.first_names).split())
        and _birthplace_agrees(person, identity)
    ]
    if len(matches) > 1:
        # Several agree on a prefix (« Angela » and « Angela Claire »): the one whose
        # first names are exactly those given, if there is one.
        exact = [p for p in matches if name_key(p.first_names).split() == given]
        matches = exact or matches
    if not matches:
        raise MatchError(
            "no_match",
            "Aucun titulaire ne correspond à cette identité de naissance (nom de naissance, "
            "prénom, date, sexe et lieu de naissance).",
        )
    if len(matches) > 1:
        raise MatchError(
            "several_matches",
            "Plusieurs titulaires correspondent à cette identité : elle ne suffit pas à "
            "désigner une personne.",
        )
    return matches[0]


def _first_names_agree(given: list[str], known: list[str]) -> bool:
    """Sources give all first names (FranceConnect) or only the first (accrochage's
    prenom1): one list must start the other."""
    if not given:
        return True
    shortest = min(len(given), len(known))
    return shortest > 0 and given[:shortest] == known[:shortest]


def _birthplace_agrees(person: Person, identity: BirthIdentity) -> bool:
    country = identity.birth_country_code or FRANCE_COUNTRY_CODE
    if country != person.birth_country_code:
        return False
    if country != FRANCE_COUNTRY_CODE or not identity.birth_commune_code:
        return True
    return same_place(person.birth_commune_code, identity.birth_commune_code)
