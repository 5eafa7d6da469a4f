import datetime
import logging

import pytest
from django.db import connection

from passeport.core.logging import MaskNirFilter, mask_nir
from passeport.journal.models import JournalEntry
from passeport.people.models import Person
from passeport.people.nir import NirError, make_nir
from passeport.people.services import PersonError, activate_cpf_account, create_person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# Angela Claire Louise DUBOIS, FranceConnect's test identity "test": born 1962-08-24
# in Paris 7e (75107).
ANGELA = {
    "birth_name": "Dubois",
    "first_names": "Angela Claire Louise",
    "sex": "F",
    "birth_year": 1962,
    "birth_month": 8,
    "birth_day": 24,
    "birth_commune_code": "75107",
}
ANGELA_NIR = make_nir("F", 1962, 8, "75107", 123)


def test_nir_is_neither_stored_nor_findable_in_clear(system_actor):
    person = create_person(nir=ANGELA_NIR, actor=system_actor, **ANGELA)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person WHERE id = %s", [person.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert ANGELA_NIR not in row and ANGELA_NIR[:13] not in row
    assert person.reveal_nir() == ANGELA_NIR
    assert Person.objects.by_nir(ANGELA_NIR).get() == person
    assert Person.objects.by_nir(ANGELA_NIR[:13]).get() == person  # DSN and CSV files
    assert not Person.objects.by_nir(make_nir("F", 1962, 8, "75107", 124)).exists()


def test_create_person_normalises_and_journals(system_actor):
    person = create_person(nir=ANGELA_NIR, actor=system_actor, **ANGELA)
    assert person.birth_name == "DUBOIS"
    entry = JournalEntry.objects.get(action="person.created")
    assert entry.person_id == person.pk and entry.object_id == str(person.public_id)
    assert ANGELA_NIR not in str(entry.payload)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"birth_year": 1963}, "année"),
        ({"birth_month": 9}, "mois"),
        ({"sex": "M"}, "sexe"),
        ({"birth_commune_code": "69123"}, "naissance"),
    ],
)
def test_create_person_refuses_a_nir_that_contradicts_birth_data(system_actor, change, fragment):
    with pytest.raises(NirError) as error:
        create_person(nir=ANGELA_NIR, actor=system_actor, **{**ANGELA, **change})
    assert fragment in error.value.message.lower()


def test_create_person_refuses_a_second_person_with_the_same_nir(system_actor):
    create_person(nir=ANGELA_NIR, actor=system_actor, **ANGELA)
    with pytest.raises(PersonError, match="existe déjà"):
        create_person(nir=ANGELA_NIR, actor=system_actor, **ANGELA)


def test_born_abroad_has_a_country_and_no_commune(system_actor):
    nir = make_nir("M", 1990, 5, "99351", 12)  # Tunisia
    person = create_person(
        nir=nir,
        actor=system_actor,
        birth_name="Ben Ali",
        first_names="Karim",
        sex="M",
        birth_year=1990,
        birth_month=5,
        birth_country_code="99351",
    )
    assert person.born_abroad and person.birth_commune_code == ""


@pytest.mark.parametrize(
    ("birth", "old_enough"),
    [
        ((2011, 11, 23), True),  # 15 today
        ((2011, 11, 24), False),  # 15 tomorrow
        ((2011, None, None), False),  # month unknown: could be December
        ((2010, None, None), True),
        ((2011, 11, None), False),  # day unknown: could be the 30th
    ],
)
def test_age_rule_takes_the_latest_possible_birth_date(birth, old_enough):
    year, month, day = birth
    person = Person(birth_year=year, birth_month=month, birth_day=day)
    assert person.is_old_enough(datetime.date(2026, 11, 23)) is old_enough


def test_activation_refuses_under_15_and_journals_otherwise(system_actor):
    young = PersonFactory(birth_year=2015, birth_month=1, cpf_activated_at=None)
    with pytest.raises(PersonError, match="15 ans"):
        activate_cpf_account(young, actor=system_actor)
    adult = PersonFactory(not_activated=True)
    activate_cpf_account(adult, actor=system_actor)
    adult.refresh_from_db()
    assert adult.has_active_cpf_account
    assert JournalEntry.objects.filter(action="person.cpf_activated", person_id=adult.pk).exists()


def test_admin_never_shows_the_nir(client):
    person = PersonFactory()
    nir = person.reveal_nir()
    admin = UserFactory(
        is_staff=True, is_superuser=True, kind="operator", identity_provider="django"
    )
    client.force_login(admin)
    listing = client.get("/admin/people/person/")
    detail = client.get(f"/admin/people/person/{person.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    for response in (listing, detail):
        body = response.content.decode()
        assert nir not in body and nir[:13] not in body
        assert person.nir_encrypted not in body


def test_log_filter_masks_a_nir_in_messages_and_tracebacks():
    nir = make_nir("F", 1984, 12, "2A004", 17)
    spaced = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
    assert nir not in mask_nir(f"personne {nir} introuvable")
    assert "[NIR masqué]" in mask_nir(f"NIR {spaced}.")
    assert "SIRET 35600000000048" in mask_nir("SIRET 35600000000048")  # 14 digits, not a NIR
    try:
        raise ValueError(f"NIR inconnu {nir}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "échec %s", (nir,), None)
        import sys

        record.exc_info = sys.exc_info()
    MaskNirFilter().filter(record)
    assert nir not in record.getMessage() and nir not in record.exc_text


def test_debug_error_page_masks_the_nir(rf):
    import sys

    from django.views.debug import ExceptionReporter

    nir = make_nir("M", 1975, 3, "2B033", 412)
    request = rf.post("/", {"nir": nir, "note": f"mon numéro {nir}"})

    def failing(identifier, label):
        raise ValueError("personne introuvable")

    try:
        failing(nir, f"NIR {nir}")
    except ValueError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    assert nir not in html and nir[:13] not in html
    assert "personne introuvable" in html


def test_an_operator_reading_a_person_in_the_admin_is_journaled(client):
    person = PersonFactory()
    operator = UserFactory(
        is_staff=True, is_superuser=True, kind="operator", identity_provider="django"
    )
    client.force_login(operator)
    client.get("/admin/people/person/")  # the list shows no personal record: not journaled
    assert not JournalEntry.objects.filter(action="person.read").exists()
    client.get(f"/admin/people/person/{person.pk}/change/")
    entry = JournalEntry.objects.get(action="person.read")
    assert entry.person_id == person.pk and entry.actor_id == str(operator.public_id)
