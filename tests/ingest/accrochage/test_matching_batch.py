"""The batched matchers (`match_many_by_birth_identity`, `match_many_by_nir`) decide
exactly as the single ones, for a few hundred random identities: hits, misses, ambiguous
ones, partial dates, prefixes of first names, arrondissements, Corsica, born abroad."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.people import matching
from passeport.people.matching import (
    BirthIdentity,
    MatchError,
    match_by_birth_identity,
    match_by_nir,
    match_many_by_birth_identity,
    match_many_by_nir,
)
from passeport.people.nir import make_nir
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NAMES = ["Martin", "Le Bihan-Lefèvre", "N'Diaye", "Dubois", "Éléonore"]
FIRST = ["Angela", "Angela Claire", "Angela Claire Louise", "Jean", "Jean Marc", "Hélène"]
PLACES = ["75107", "75056", "2A004", "69383", "13201", "97105"]
ABROAD = ["99351", "99243"]


def _outcome(result):
    if isinstance(result, MatchError):
        return ("error", result.code, result.message)
    return ("person", result.pk)


def _single(identity):
    try:
        return _outcome(match_by_birth_identity(identity))
    except MatchError as error:
        return _outcome(error)


@pytest.fixture
def population():
    rng = random.Random(7)
    persons = []
    for order in range(1, 161):
        sex = rng.choice("MF")
        year = rng.choice([1962, 1975, 1976, 1988])
        month = rng.choice([None, 2, 2, 8, 12])
        abroad = rng.random() < 0.15
        commune = "" if abroad else rng.choice(PLACES)
        if commune == "2A004" and year < 1976:
            commune = "20004"
        country = rng.choice(ABROAD) if abroad else "99100"
        persons.append(
            PersonFactory(
                birth_name=rng.choice(NAMES),
                first_names=rng.choice(FIRST),
                sex=sex,
                birth_year=year,
                birth_month=month,
                birth_day=rng.choice([None, 3, 3, 24]) if month else None,
                birth_commune_code=commune,
                birth_country_code=country,
                nir=make_nir(sex, year, month or 20, commune or country, order),
            )
        )
    return persons


def _identities(persons, count=400, seed=11):
    rng = random.Random(seed)
    identities = []
    for _ in range(count):
        person = rng.choice(persons)
        commune = person.birth_commune_code
        if commune and rng.random() < 0.3:
            commune = {"75107": "75056", "75056": "75112", "20004": "2A004"}.get(commune, commune)
        first = person.first_names.split()
        identity = BirthIdentity(
            birth_name=rng.choice([person.birth_name, person.birth_name.upper()]),
            first_names=" ".join(first[: rng.randint(0, len(first))]),
            birth_year=person.birth_year,
            birth_month=rng.choice([person.birth_month, None, 2, 12]),
            birth_day=rng.choice([person.birth_day, None, 3, 24]),
            sex=rng.choice([person.sex, None, "M", "F"]),
            birth_commune_code=rng.choice([commune, "", "69123", "13055"]),
            birth_country_code=person.birth_country_code,
        )
        roll = rng.random()
        if roll < 0.1:  # a name or a year nobody has
            identity = BirthIdentity("Inconnu", "Jean", 1990, sex="M")
        elif roll < 0.2:  # abroad against France, or another country
            identity = BirthIdentity(
                person.birth_name, "", person.birth_year, birth_country_code=rng.choice(ABROAD)
            )
        identities.append(identity)
    return identities


def test_batched_birth_identity_matching_agrees_with_the_single_one(population):
    identities = _identities(population)
    batched = [_outcome(result) for result in match_many_by_birth_identity(identities)]
    single = [_single(identity) for identity in identities]
    assert batched == single
    kinds = {outcome[1] if outcome[0] == "error" else "hit" for outcome in single}
    # The sample covers every decision.
    assert kinds == {"hit", "no_match", "several_matches"}


def test_batched_birth_identity_matching_uses_few_queries(population, monkeypatch):
    # Pairs per query: an OR of filters on SQLite, two array parameters on PostgreSQL.
    monkeypatch.setattr(matching, "PAIRS_PER_QUERY", 7)
    monkeypatch.setattr(matching, "PAIRS_PER_ARRAY_QUERY", 5)
    per_query = 5 if connection.vendor == "postgresql" else 7
    identities = _identities(population, count=300, seed=3)
    pairs = {(matching.name_key(i.birth_name), i.birth_year) for i in identities}
    with CaptureQueriesContext(connection) as queries:
        batched = match_many_by_birth_identity(identities)
    assert len(queries) == -(-len(pairs) // per_query)
    assert [_outcome(r) for r in batched] == [_single(i) for i in identities]
    assert match_many_by_birth_identity([]) == []


def test_batched_nir_matching_agrees_with_the_single_one(population):
    rng = random.Random(5)
    requests = []
    for person in rng.sample(population, 60):
        nir = person.reveal_nir()
        requests += [
            (nir, None),
            (nir[:13], person.birth_name.upper()),
            (f"{nir[:5]} {nir[5:13]}", "Autre"),
            (nir[:13] + f"{(int(nir[13:]) + 1) % 97:02d}", None),  # wrong key
        ]
    requests += [(make_nir("M", 1990, 1, "75107", 998), None), ("123", None)]

    def single(nir, name):
        try:
            return _outcome(match_by_nir(nir, name))
        except MatchError as error:
            return _outcome(error)

    with CaptureQueriesContext(connection) as queries:
        batched = [_outcome(r) for r in match_many_by_nir(requests)]
    assert len(queries) == 1
    assert batched == [single(nir, name) for nir, name in requests]
    assert {o[1] for o in batched if o[0] == "error"} == {
        "nir_invalid",
        "unknown_nir",
        "birth_name_mismatch",
    }
