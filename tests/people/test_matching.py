import pytest

from passeport.people.matching import (
    BirthIdentity,
    MatchError,
    match_by_birth_identity,
    match_by_nir,
    same_place,
)
from passeport.people.nir import make_nir
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def helene():
    return PersonFactory(
        birth_name="Le Bihan-Lefèvre",
        first_names="Hélène Marie",
        sex="F",
        birth_year=1984,
        birth_month=12,
        birth_day=3,
        birth_commune_code="2A004",
        nir=make_nir("F", 1984, 12, "2A004", 31),
    )


def test_match_by_nir_with_13_or_15_characters_and_birth_name(helene):
    nir = helene.reveal_nir()
    assert match_by_nir(nir) == helene
    assert match_by_nir(nir[:13], "LE BIHAN LEFEVRE") == helene
    with pytest.raises(MatchError) as error:
        match_by_nir(nir[:13], "DUPONT")
    assert error.value.code == "birth_name_mismatch"


def test_match_by_nir_refusals_are_precise(helene):
    nir = helene.reveal_nir()
    wrong_key = nir[:13] + f"{(int(nir[13:]) + 1) % 97:02d}"
    with pytest.raises(MatchError) as error:
        match_by_nir(wrong_key)
    assert error.value.code == "nir_invalid" and "clé" in error.value.message.lower()
    with pytest.raises(MatchError) as error:
        match_by_nir(make_nir("F", 1984, 12, "2A004", 32))
    assert error.value.code == "unknown_nir"


def test_match_by_birth_identity(helene):
    identity = BirthIdentity(
        birth_name="LE BIHAN LEFEVRE",
        first_names="helene",
        birth_year=1984,
        birth_month=12,
        birth_day=3,
        sex="F",
        birth_commune_code="2A004",
    )
    assert match_by_birth_identity(identity) == helene
    # Partial birth date from the source: still one person.
    partial = BirthIdentity(birth_name="Le Bihan-Lefèvre", first_names="Hélène", birth_year=1984)
    assert match_by_birth_identity(partial) == helene


@pytest.mark.parametrize(
    "change",
    [
        {"birth_day": 4},
        {"sex": "M"},
        {"first_names": "Marie"},
        {"birth_commune_code": "2B033"},
        {"birth_country_code": "99351", "birth_commune_code": ""},
    ],
)
def test_birth_identity_mismatch_is_refused(helene, change):
    fields = {
        "birth_name": "Le Bihan-Lefèvre",
        "first_names": "Hélène",
        "birth_year": 1984,
        "birth_month": 12,
        "birth_day": 3,
        "sex": "F",
        "birth_commune_code": "2A004",
        **change,
    }
    with pytest.raises(MatchError) as error:
        match_by_birth_identity(BirthIdentity(**fields))
    assert error.value.code == "no_match"


def test_several_matches_are_refused_not_guessed():
    for order in (1, 2):
        PersonFactory(
            birth_name="Martin",
            first_names="Jean",
            sex="M",
            birth_year=1981,
            birth_month=2,
            birth_day=3,
            birth_commune_code="75112",
            nir=make_nir("M", 1981, 2, "75112", order),
        )
    with pytest.raises(MatchError) as error:
        match_by_birth_identity(BirthIdentity("MARTIN", "Jean", 1981, 2, 3, "M", "75112"))
    assert error.value.code == "several_matches"


def test_same_place():
    assert same_place("75056", "75107") and same_place("75107", "75056")
    assert same_place("20004", "2A004")
    assert not same_place("2A004", "2B004")
    assert not same_place("69123", "75107")


def test_all_first_names_tell_apart_two_people_with_the_same_birth_data():
    # FranceConnect's test identities "Angela Claire Louise" and "Angela Claire Louis"
    # DUBOIS share every other birth datum.
    people = {}
    for order, names in enumerate(["Angela Claire Louise", "Angela Claire Louis"], start=1):
        people[names] = PersonFactory(
            birth_name="Dubois",
            first_names=names,
            sex="F",
            birth_year=1962,
            birth_month=8,
            birth_day=24,
            birth_commune_code="75107",
            nir=make_nir("F", 1962, 8, "75107", order),
        )
    for names, person in people.items():
        identity = BirthIdentity("DUBOIS", names, 1962, 8, 24, "F", "75107")
        assert match_by_birth_identity(identity) == person
    # Only the first first name (an accrochage file's prenom1): ambiguous, refused.
    with pytest.raises(MatchError) as error:
        match_by_birth_identity(BirthIdentity("DUBOIS", "Angela", 1962, 8, 24, "F", "75107"))
    assert error.value.code == "several_matches"
