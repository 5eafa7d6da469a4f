"""Orientation tests run on the committed extract of the real ROME 4.0 and RNCP tables
(loaded once per worker, with what `load_referentials` derives from them), and on
passports built from real codes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from passeport.orientation.models import PreventionKindSkill
from passeport.records import services as records
from passeport.records.enums import DeclaredItemKind, SourceKind
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    PreventionTraining,
    Training,
)
from passeport.referentials.loaders import EXTRACT_DIR
from tests.factories import OrganisationFactory, UserFactory
from tests.referentials.conftest import clear_referentials

ACTOR = Actor.system("tests")


@pytest.fixture(scope="package")
def extract_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "load_referentials",
            source=EXTRACT_DIR,
            no_progress=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        yield
        PreventionKindSkill.objects.all().delete()
        clear_referentials()


@pytest.fixture
def referentials(extract_loaded, db):
    """The loaded extract, inside the test's transaction."""


@pytest.fixture
def holder(referentials):
    return UserFactory(holder=True, first_name="Angela", last_name="Dubois")


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


def build(person, model, provenance, **fields):
    return records.build_record(model, person, provenance, **fields)


def it_passport(person, *, employer=None, certifier=None, provider=None):
    """A developer's passport on real rows: a DSN contract « Développeur informatique »
    (PCS-ESE 388A), RNCP34474 obtained (ROME M1801, M1804, M1806, M1810), a CPF
    training towards it, a CACES R489 (transferable: N1101) and a declared ROME skill."""
    employer = employer or OrganisationFactory(name="Informatique Dupont SAS")
    certifier = certifier or OrganisationFactory(certifier=True, name="Université de Lille")
    provider = provider or OrganisationFactory(training_provider=True, name="Formapro")
    now = timezone.now()
    built = [
        build(
            person,
            EmploymentPeriod,
            records.Provenance(SourceKind.DSN, now, employer, "DSN 2024-01"),
            employer=employer,
            employer_name=employer.name,
            siret=employer.siret,
            contract_nature="01",
            job_title="Développeur informatique",
            pcs_ese="388A",
            start_date=datetime.date(2019, 1, 1),
        ),
        build(
            person,
            Certification,
            records.Provenance(SourceKind.ACCROCHAGE, now, certifier, "passage 1"),
            certification_kind="RNCP",
            code="RNCP34474",
            title="Administrateur système, réseau et sécurité",
            level=6,
            certifier=certifier,
            certifier_name=certifier.name,
            awarded_on=datetime.date(2018, 7, 1),
        ),
        build(
            person,
            PreventionTraining,
            records.Provenance(SourceKind.TRAINING_PROVIDER, now, provider, "ADF"),
            declaration_kind="JDR",
            title="CACES R489 — chariots de manutention automoteurs",
            training_kind="CACES_R489",
            transferable_skills=["N1101"],
            start_date=datetime.date(2024, 2, 1),
            end_date=datetime.date(2024, 2, 2),
            valid_from=datetime.date(2024, 2, 2),
        ),
        build(
            person,
            Training,
            records.Provenance(SourceKind.HOLDER, now),
            title="Anglais professionnel",
            start_date=datetime.date(2023, 3, 1),
            end_date=datetime.date(2023, 3, 20),
        ),
        build(
            person,
            DeclaredItem,
            records.Provenance.from_holder(now),
            item_kind=DeclaredItemKind.SKILL,
            title="Coder",
            rome_skills=["400261"],
        ),
    ]
    records.store_many(built, actor=ACTOR)
    return built


@pytest.fixture
def counselling():
    return OrganisationFactory(counselling=True, name="Mission locale de Lille")


@pytest.fixture
def counsellor(counselling):
    user = UserFactory(first_name="Camille", last_name="Conseil")
    Membership.objects.create(user=user, organisation=counselling, role=MembershipRole.ADMIN)
    return user


@pytest.fixture
def other_holder_client(client, referentials):
    from django.test import Client

    other = Client()
    other.force_login(UserFactory(holder=True))
    return other
