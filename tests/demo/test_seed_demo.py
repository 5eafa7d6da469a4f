import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command

from passeport.demo.franceconnect import read_identities
from passeport.demo.population import Generator, Pools
from passeport.journal.verification import verify_journal
from passeport.organisations.models import Organisation
from passeport.organisations.siret import validate_siret
from passeport.people.models import Person
from passeport.people.nir import validate_nir
from passeport.records.enums import RecordStatus
from passeport.records.models import Certification, EmploymentPeriod, PreventionTraining
from passeport.referentials.loaders import EXTRACT_DIR
from passeport.referentials.models import Fiche, NafCode

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def referentials():
    call_command("load_referentials", source=EXTRACT_DIR, no_progress=True, stdout=io.StringIO())


def _seed(holders, seed=7, **options):
    out = io.StringIO()
    call_command(
        "seed_demo",
        holders=holders,
        seed=seed,
        today=TODAY,
        stdout=out,
        stderr=io.StringIO(),
        **options,
    )
    return out.getvalue()


def test_population_is_valid_and_believable(referentials):
    output = _seed(60)
    assert "60 titulaires créés" in output
    # The summary speaks French, not the code's keys.
    assert "à vérifier par l'employeur" in output and "relevés d'heures DSN" in output
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", output), output
    # + Luigi BROSSE, the orientation demo's holder with declared data only.
    assert Person.objects.count() == 60 + 1

    for person in Person.objects.all():
        validate_nir(
            person.reveal_nir(),
            birth_year=person.birth_year,
            birth_month=person.birth_month,
            sex=person.sex,
            birth_commune=person.birth_commune_code or None,
            birth_country=person.birth_country_code,
        )
    for organisation in Organisation.objects.all():
        validate_siret(organisation.siret)
    naf_codes = set(NafCode.objects.values_list("code", flat=True))
    assert {o.naf_code for o in Organisation.objects.filter(is_employer=True)} <= naf_codes
    fiche_codes = set(Fiche.objects.values_list("code", flat=True))
    assert set(Certification.objects.values_list("code", flat=True)) <= fiche_codes
    assert EmploymentPeriod.objects.exists()

    states = {record.validity_on(TODAY) for record in PreventionTraining.objects.all()}
    assert {"expired", "expiring"} <= states
    assert verify_journal().intact


def test_franceconnect_test_identities_are_among_the_persons(referentials):
    _seed(20)
    identity = read_identities()[0]  # "test": Angela Claire Louise DUBOIS
    person = Person.objects.get(
        birth_name=identity.birth_name.upper(), first_names=identity.first_names
    )
    assert (person.birth_year, person.birth_month, person.birth_day) == (1962, 8, 24)
    assert person.birth_commune_code == identity.birthplace
    # Test identities get a believable passport: a career, a diploma, a training expiring soon.
    assert EmploymentPeriod.objects.filter(person=person).count() >= 2
    assert Certification.objects.filter(person=person).exists()
    expiring = [
        record
        for record in PreventionTraining.objects.filter(person=person, status=RecordStatus.ACTIVE)
        if record.validity_on(TODAY) == "expiring"
    ]
    assert expiring


def test_same_seed_same_population(referentials):
    pools = Pools.load()
    a, b = Generator(3, TODAY, pools), Generator(3, TODAY, pools)
    people_a = [a.random_person() for _ in range(25)]
    people_b = [b.random_person() for _ in range(25)]
    assert [(p.nir_hash, p.birth_name, p.first_names) for p in people_a] == [
        (p.nir_hash, p.birth_name, p.first_names) for p in people_b
    ]
    other = Generator(4, TODAY, pools).random_person()
    assert other.nir_hash != people_a[0].nir_hash


def test_if_empty_skips_and_a_second_seed_is_refused(referentials):
    _seed(5, without_test_identities=True)
    assert "rien à faire" in _seed(5, if_empty=True)
    with pytest.raises(CommandError, match="déjà des titulaires"):
        _seed(5)
    assert Person.objects.count() == 5


def test_refuses_without_referentials():
    with pytest.raises(CommandError, match="load_referentials"):
        _seed(5)


def test_fast_record_building_builds_what_build_record_builds(referentials, monkeypatch):
    """Same seed, same passports, whether records are built by `records.build_record`
    (Model.__init__) or by the generator's fast path (`new_instance`)."""
    from passeport.demo import population
    from passeport.records import services as records

    pools = Pools.load()
    first = Generator(5, TODAY, pools)
    orgs = first.organisations(40)
    state = first.rng.getstate()

    def passports(build):
        monkeypatch.setattr(population, "_build_record", build)
        generator = Generator(5, TODAY, pools)
        generator.rng.setstate(state)
        generator.now = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
        built = []
        for index in range(40):
            person = generator.random_person()
            person.pk = person.id = index + 1
            built.extend(generator.passport(person, orgs, rich=index % 3 == 0))
        return built

    fast = passports(population._build_record)
    slow = passports(records.build_record)
    assert len(fast) == len(slow) > 40
    assert {type(r) for r in fast} == {type(r) for r in slow}
    for a, b in zip(fast, slow, strict=True):
        assert type(a) is type(b)
        assert list(a.__dict__) == list(b.__dict__)
        assert {k: v for k, v in a.__dict__.items() if k != "_state"} == {
            k: v for k, v in b.__dict__.items() if k != "_state"
        }
        assert (a._state.db, a._state.adding) == (b._state.db, b._state.adding)
        assert a._state.fields_cache.keys() == b._state.fields_cache.keys()
        assert a.content() == b.content()


def test_test_identities_can_walk_the_consent_path(referentials):
    """The README's walkthrough: a test identity works for the demo employer that has
    ProConnect demo accounts, and has given no consent before their first login."""
    from passeport.consent.models import PreventionConsent
    from passeport.identity.devidp.accounts import demo_organisations
    from passeport.records.models import EmploymentPeriod

    call_command("seed_demo", holders=30, seed=3, today=TODAY, stdout=io.StringIO())
    employer = next(o for o in demo_organisations() if o.is_employer)
    tests = Person.objects.filter(cpf_activated_at__isnull=True, birth_name="DUBOIS")
    assert tests.exists()
    for person in tests:
        assert EmploymentPeriod.objects.filter(
            person=person, employer=employer, end_date__isnull=True
        ).exists()
        assert not PreventionConsent.objects.filter(person=person).exists()
