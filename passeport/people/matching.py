"""Finding the person a source speaks of, or saying precisely why not.

Every source identifies people its own way: DSN and prevention files by NIR (13
characters) and birth name, certifiers' accrochage files by NIR or by birth identity,
FranceConnect by a pivot identity without NIR. A match must be unique and consistent;
otherwise it is refused with a French reason, never guessed.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from passeport.core.bulk import field_in
from passeport.referentials.text import normalize

from .crypto import nir_lookup_hash
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
    return decide_birth_identity(identity, list(candidates))


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


# --- Batched matching ----------------------------------------------------------------------
# For imports: the same decisions as `match_by_nir` and `match_by_birth_identity`, with the
# candidates of a whole chunk fetched in a few queries instead of one (or three) each.

# Pairs per query: SQLite's parser nests OR-ed conditions (expression depth limit 1000).
PAIRS_PER_QUERY = 200
PAIRS_PER_ARRAY_QUERY = 5000  # PostgreSQL: two array parameters per query
_PERSON_TABLE = Person._meta.db_table  # a model's name, not input
HASHES_PER_QUERY = 500
# `field_in` (one array parameter on PostgreSQL, SQLite's limit is 32,766 variables).
BULK_HASHES_PER_QUERY = 5000


def birth_identity_candidates(
    identities: Iterable[BirthIdentity],
) -> dict[tuple[str, int], list[Person]]:
    """The persons sharing a normalised birth name and a birth year with any of
    `identities`, by `(birth_name_key, birth_year)`, each list ordered by pk as
    `match_by_birth_identity` sees them (index `person_birth_identity`)."""
    pairs = sorted({(name_key(i.birth_name), i.birth_year) for i in identities})
    found: dict[tuple[str, int], list[Person]] = {pair: [] for pair in pairs}
    postgresql = connection.vendor == "postgresql"
    size = PAIRS_PER_ARRAY_QUERY if postgresql else PAIRS_PER_QUERY
    for start in range(0, len(pairs), size):
        chunk = pairs[start : start + size]
        if postgresql:
            # The pairs as two array parameters (an OR of 200 filters cost more to build in
            # the ORM than to run: a fifth of an accrochage ingest), each probing the
            # `person_birth_identity` index (LATERAL … OFFSET 0: never a scan of everyone,
            # whatever the statistics say).
            persons = Person.objects.raw(
                "SELECT person.* FROM unnest(%s::text[], %s::integer[]) AS wanted(key, year) "  # noqa: S608
                f"CROSS JOIN LATERAL (SELECT * FROM {_PERSON_TABLE} "
                "WHERE birth_name_key = wanted.key AND birth_year = wanted.year OFFSET 0) "
                "AS person ORDER BY person.id",
                [[key for key, _ in chunk], [year for _, year in chunk]],
            )
        else:
            condition = Q()
            for key, year in chunk:
                condition |= Q(birth_name_key=key, birth_year=year)
            persons = Person.objects.filter(condition).order_by("pk")
        for person in persons:
            found.setdefault((person.birth_name_key, person.birth_year), []).append(person)
    return found


def decide_birth_identity(identity: BirthIdentity, candidates: list[Person]) -> Person:
    """The decision among `candidates`, the persons with the same normalised birth name
    and birth year (see `birth_identity_candidates`); no query. An unknown month or day on
    our side is not held against the match."""
    given = name_key(identity.first_names).split()
    matches = [
        person
        for person in candidates
        if (not identity.birth_month or person.birth_month in (None, identity.birth_month))
        and (not identity.birth_day or person.birth_day in (None, identity.birth_day))
        and (not identity.sex or person.sex == identity.sex)
        and _first_names_agree(given, name_key(person.first_names).split())
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


def match_many_by_birth_identity(
    identities: Sequence[BirthIdentity],
) -> list[Person | MatchError]:
    """`match_by_birth_identity` for each identity, in order: the person, or the
    MatchError it would have raised (returned, not raised). One query per
    PAIRS_PER_QUERY distinct (birth name, birth year) pairs."""
    candidates = birth_identity_candidates(identities)
    results: list[Person | MatchError] = []
    for identity in identities:
        pool = candidates.get((name_key(identity.birth_name), identity.birth_year), [])
        try:
            results.append(decide_birth_identity(identity, pool))
        except MatchError as error:
            results.append(error)
    return results


def match_many_by_nir(
    requests: Sequence[tuple[str, str | None]],
) -> list[Person | MatchError]:
    """`match_by_nir(nir, birth_name)` for each `(nir, birth_name)` pair, in order: the
    person or the MatchError, with one query per HASHES_PER_QUERY NIRs."""
    hashes: list[str | MatchError] = []
    for nir, _birth_name in requests:
        cleaned = nir.replace(" ", "").upper()
        try:
            if len(cleaned) == 13:
                validate_nir13(cleaned)
            else:
                validate_nir(cleaned)
        except NirError as error:
            hashes.append(MatchError("nir_invalid", error.message))
            continue
        hashes.append(nir_lookup_hash(cleaned[:13]))
    wanted = sorted({h for h in hashes if isinstance(h, str)})
    persons: dict[str, Person] = {}
    for start in range(0, len(wanted), HASHES_PER_QUERY):
        for person in Person.objects.filter(nir_hash__in=wanted[start : start + HASHES_PER_QUERY]):
            persons[person.nir_hash] = person
    results: list[Person | MatchError] = []
    for (_nir, birth_name), hashed in zip(requests, hashes, strict=True):
        if isinstance(hashed, MatchError):
            results.append(hashed)
            continue
        person = persons.get(hashed)
        if person is None:
            results.append(MatchError("unknown_nir", "Aucun titulaire ne correspond à ce NIR."))
        elif birth_name is not None and name_key(birth_name) != name_key(person.birth_name):
            results.append(
                MatchError(
                    "birth_name_mismatch",
                    "Le nom de naissance ne correspond pas à celui du titulaire de ce NIR.",
                )
            )
        else:
            results.append(person)
    return results


def match_many_ids_by_nir(
    requests: Sequence[tuple[str, str | None]],
) -> list[int | MatchError]:
    """`match_many_by_nir` for bulk imports that need only the person's primary key: the
    same decisions and messages, from three columns per person instead of full `Person`
    instances (their construction was a third of the matching time on 100,000-line
    files), and no NIR decrypted. The birth name is compared with the stored normalised
    key; should that key be stale, with the normalised stored name, as `match_by_nir`
    does."""
    hashes: list[str | MatchError] = []
    for nir, _birth_name in requests:
        cleaned = nir.replace(" ", "").upper()
        try:
            if len(cleaned) == 13:
                validate_nir13(cleaned)
            else:
                validate_nir(cleaned)
        except NirError as error:
            hashes.append(MatchError("nir_invalid", error.message))
            continue
        hashes.append(nir_lookup_hash(cleaned[:13]))
    wanted = sorted({h for h in hashes if isinstance(h, str)})
    persons: dict[str, tuple[int, str, str]] = {}
    for start in range(0, len(wanted), BULK_HASHES_PER_QUERY):
        chunk = wanted[start : start + BULK_HASHES_PER_QUERY]
        rows = Person.objects.filter(field_in(Person, "nir_hash", chunk)).values_list(
            "nir_hash", "pk", "birth_name_key", "birth_name"
        )
        for nir_hash, pk, key, name in rows:
            persons[nir_hash] = (pk, key, name)
    results: list[int | MatchError] = []
    for (_nir, birth_name), hashed in zip(requests, hashes, strict=True):
        if isinstance(hashed, MatchError):
            results.append(hashed)
            continue
        person = persons.get(hashed)
        if person is None:
            results.append(MatchError("unknown_nir", "Aucun titulaire ne correspond à ce NIR."))
            continue
        pk, key, name = person
        if birth_name is not None:
            given = name_key(birth_name)
            if given != key and given != name_key(name):
                results.append(
                    MatchError(
                        "birth_name_mismatch",
                        "Le nom de naissance ne correspond pas à celui du titulaire de ce NIR.",
                    )
                )
                continue
        results.append(pk)
    return results
