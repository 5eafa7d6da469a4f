"""Records of every issuable kind, a holder and their client, a wallet key."""

import contextlib
import datetime

import factory
import pytest
from django.utils import timezone
from jwcrypto.jwk import JWK

from passeport.records import models as records
from passeport.records.enums import SourceKind
from tests.factories import (
    EmploymentPeriodFactory,
    OrganisationFactory,
    PreventionTrainingFactory,
    RecordFactory,
    UserFactory,
)


class CertificationFactory(RecordFactory):
    class Meta:
        model = records.Certification

    source_kind = SourceKind.ACCROCHAGE
    declarant = factory.SubFactory(OrganisationFactory, certifier=True)
    certification_kind = "RNCP"
    code = "RNCP34321"
    title = "Licence professionnelle métiers de l'électricité"
    level = 6
    certifier = factory.SelfAttribute("declarant")
    certifier_name = factory.SelfAttribute("declarant.name")
    awarded_on = datetime.date(2024, 7, 1)
    mention = "Bien"
    blocs = [{"code": "RNCP34321BC01", "label": "Concevoir une installation"}]


class TrainingFactory(RecordFactory):
    class Meta:
        model = records.Training

    source_kind = SourceKind.MON_COMPTE_FORMATION
    title = "Anglais professionnel"
    provider_name = "Formapro"
    start_date = datetime.date(2025, 3, 1)
    end_date = datetime.date(2025, 3, 20)
    hours = 35
    funded_by_cpf = True


@pytest.fixture
def holder():
    return UserFactory(holder=True)


@pytest.fixture
def other_holder():
    return UserFactory(holder=True)


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


@pytest.fixture
def training(holder):
    return TrainingFactory(person=holder.person)


@pytest.fixture
def certification(holder):
    return CertificationFactory(person=holder.person)


@pytest.fixture
def prevention(holder):
    return PreventionTrainingFactory(
        person=holder.person, valid_until=datetime.date.today() + datetime.timedelta(days=400)
    )


@pytest.fixture
def employment(holder):
    return EmploymentPeriodFactory(person=holder.person, end_date=datetime.date(2020, 6, 30))


@pytest.fixture
def issuable(training, certification, prevention, employment):
    return [employment, certification, training, prevention]


@pytest.fixture
def wallet_key():
    return JWK.generate(kty="EC", crv="P-256")


@pytest.fixture
def expired_training(holder):
    """A guaranteed safety training of the holder whose validity ended on 7 January 2022
    (to be issued with `issued_in_2021`)."""
    return PreventionTrainingFactory(
        person=holder.person,
        start_date=datetime.date(2020, 1, 6),
        end_date=datetime.date(2020, 1, 7),
        valid_from=datetime.date(2020, 1, 7),
        valid_until=datetime.date(2022, 1, 7),
    )


@pytest.fixture
def issued_in_2021(monkeypatch):
    """Issues as on 1 December 2021: a credential for a validity that ended since (today,
    issuance refuses a record whose validity has already ended)."""

    @contextlib.contextmanager
    def as_of():
        instant = datetime.datetime(2021, 12, 1, 12, tzinfo=datetime.UTC)
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: instant)
            yield

    return as_of
