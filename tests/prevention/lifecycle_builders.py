"""Declarations made through the real `services.Declarer` for the lifecycle tests (pro
pages and holder pages included), with dates relative to today so that review states
(pending, deemed verified) hold whatever day the suite runs."""

import datetime

import pytest
from django.utils import timezone

from passeport.prevention.enums import Channel, DeclarantRole
from passeport.prevention.models import DeclarationLine
from passeport.prevention.services import ACCEPTED, Declarer
from passeport.referentials.models import RomeCode
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import adf_values, jdr_values, member

ROME_CODES = ("H2909", "H2913", "I1304", "N1101", "F1703", "K2204")


def fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def recent_end() -> datetime.date:
    """A training ended 20 days ago: the employer's review is still open."""
    return timezone.localdate() - datetime.timedelta(days=20)


def old_end() -> datetime.date:
    """A training ended 400 days ago: the review deadline has passed."""
    return timezone.localdate() - datetime.timedelta(days=400)


def adf(person, employer=None, *, end=None, declaration_id="DECL-1", **overrides) -> dict:
    end = end or recent_end()
    values = adf_values(
        person,
        employer,
        ID_DECLARATION=declaration_id,
        ID_UNIQUE_PARTENAIRE=f"{declaration_id}-{person.pk}",
        DATE_DEBUT_FORMATION=fr(end - datetime.timedelta(days=1)),
        DATE_FIN_FORMATION=fr(end),
        DATE_DEBUT_VALIDITE=fr(end),
    )
    values.update(overrides)
    return values


def jdr(person, employer=None, *, start=None, declaration_id="JDR-1", **overrides) -> dict:
    start = start or recent_end()
    values = jdr_values(
        person,
        employer,
        ID_DECLARATION=declaration_id,
        ID_UNIQUE_PARTENAIRE=f"{declaration_id}-{person.pk}",
        DATE_DEBUT_FORMATION=fr(start - datetime.timedelta(days=2)),
        DATE_FIN_FORMATION=fr(start - datetime.timedelta(days=1)),
        DATE_DEBUT_VALIDITE=fr(start),
        DATE_FIN_VALIDITE=fr(start + datetime.timedelta(days=3 * 365)),
    )
    values.update(overrides)
    return values


def declare(
    declarant, lines, *, kind="ADF", role=DeclarantRole.PROVIDER, channel=Channel.WEB, now=None
):
    """Declares `lines` (column → value) and returns the DeclarationLine rows."""
    declarer = Declarer(kind, declarant, role, channel, now=now)
    rows = [(n, declarer.rules.row_from_mapping(values)) for n, values in enumerate(lines, 2)]
    results = declarer.declare(rows)
    refused = [(r.line, r.status, r.errors, r.message) for r in results if r.status != ACCEPTED]
    assert not refused, refused
    ids = [values["ID_UNIQUE_PARTENAIRE"] for values in lines]
    found = {
        line.partner_unique_id: line
        for line in DeclarationLine.objects.filter(declarant=declarant, partner_unique_id__in=ids)
    }
    return [found[pid] for pid in ids]


# Fixtures for tests outside tests/prevention (its conftest is not theirs): registered
# under the same names, imported as `*_fixture` so the test parameters do not shadow them.


@pytest.fixture(name="referentials")
def referentials_fixture(db):
    for code in ROME_CODES:
        RomeCode.objects.create(code=code, label=f"Métier {code}", ogr=code[1:], search_text="")


@pytest.fixture(name="provider")
def provider_fixture(db):
    return OrganisationFactory(training_provider=True, name="Prévention Formation SARL")


@pytest.fixture(name="employer")
def employer_fixture(db):
    return OrganisationFactory(name="Bâtiments du Rhône")


@pytest.fixture(name="persons")
def persons_fixture(db):
    return [
        PersonFactory(birth_name="Le Bihan-Lefèvre", sex="F", birth_year=1988, birth_month=4),
        PersonFactory(birth_name="NGUYEN", sex="M", birth_year=1979, birth_month=2),
        PersonFactory(birth_name="Martin", sex="F", birth_year=1995, birth_month=11),
    ]


@pytest.fixture(name="provider_user")
def provider_user_fixture(provider):
    return member(provider)


@pytest.fixture(name="employer_user")
def employer_user_fixture(employer):
    return member(employer)
