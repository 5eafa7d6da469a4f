"""Fixtures for prevention declarations: a training provider, employers, persons, the
ROME codes and RS fiches the lines name, and a builder of ADF/JDR lines and files."""

import pytest

from passeport.referentials.models import Fiche, RomeCode
from tests.factories import OrganisationFactory, PersonFactory

from .helpers import member

ROME_CODES = ("H2909", "H2913", "I1304", "N1101", "F1703", "K2204")


@pytest.fixture
def referentials(db):
    for code in ROME_CODES:
        RomeCode.objects.create(code=code, label=f"Métier {code}", ogr=code[1:], search_text="")
    return {
        "RS5286": Fiche.objects.create(
            code="RS5286", kind="RS", title="Habilitation électrique", active=True, search_text=""
        ),
        "RS1000": Fiche.objects.create(
            code="RS1000", kind="RS", title="Ancienne fiche", active=False, search_text=""
        ),
    }


@pytest.fixture
def provider(db):
    return OrganisationFactory(training_provider=True, name="Prévention Formation SARL")


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="Bâtiments du Rhône")


@pytest.fixture
def persons(db):
    return [
        PersonFactory(birth_name="Le Bihan-Lefèvre", sex="F", birth_year=1988, birth_month=4),
        PersonFactory(birth_name="NGUYEN", sex="M", birth_year=1979, birth_month=2),
        PersonFactory(birth_name="Martin", sex="F", birth_year=1995, birth_month=11),
    ]


@pytest.fixture
def provider_user(provider):
    return member(provider)


@pytest.fixture
def employer_user(employer):
    return member(employer)
