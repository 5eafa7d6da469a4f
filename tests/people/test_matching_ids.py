"""`match_many_ids_by_nir` (prevention imports) decides as `match_by_nir` does, from three
stored columns instead of full persons."""

import pytest

from passeport.people.matching import MatchError, match_by_nir, match_many_ids_by_nir
from passeport.people.models import Person
from passeport.people.nir import make_nir
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _outcome(call):
    try:
        result = call()
    except MatchError as error:
        return ("error", error.code, error.message)
    return ("pk", result if isinstance(result, int) else result.pk)


def test_same_decisions_and_messages_as_match_by_nir():
    helene = PersonFactory(birth_name="Le Bihan-Lefèvre", nir=make_nir("F", 1984, 12, "2A004", 31))
    marc = PersonFactory(birth_name="MARTIN", nir=make_nir("M", 1990, 5, "75107", 12))
    unknown = make_nir("M", 1971, 2, "69123", 44)
    requests = [
        (helene.reveal_nir()[:13], "LE BIHAN LEFEVRE"),  # accents, hyphen, case
        (helene.reveal_nir(), None),  # 15 characters, no birth name
        (marc.reveal_nir()[:13], "Martin"),
        (marc.reveal_nir()[:13], "DUPONT"),  # another birth name
        (unknown[:13], "MARTIN"),  # nobody
        ("1234", "MARTIN"),  # malformed
        (marc.reveal_nir()[:12] + "X", "MARTIN"),
    ]
    batched = [
        ("error", r.code, r.message) if isinstance(r, MatchError) else ("pk", r)
        for r in match_many_ids_by_nir(requests)
    ]
    assert batched == [_outcome(lambda n=n, b=b: match_by_nir(n, b)) for n, b in requests]
    assert [outcome[0] for outcome in batched] == [
        "pk",
        "pk",
        "pk",
        "error",
        "error",
        "error",
        "error",
    ]


def test_a_stale_normalised_name_falls_back_to_the_stored_name():
    person = PersonFactory(birth_name="DURAND", nir=make_nir("F", 1980, 1, "75107", 3))
    # A key out of step with the name (written around `Person.save`): the name decides.
    Person.objects.filter(pk=person.pk).update(birth_name_key="autre")
    nir = person.reveal_nir()[:13]
    assert match_many_ids_by_nir([(nir, "Durand")]) == [person.pk]
    assert match_by_nir(nir, "Durand") == person
