"""Fixtures for accrochage: a certifier, fiches, the persons the hand-written file names,
and a small builder of flux XML for the cases the hand-written file does not cover."""

import datetime

import pytest

from passeport.referentials.models import Fiche
from tests.factories import OrganisationFactory, PersonFactory


@pytest.fixture
def certifier(db):
    return OrganisationFactory(
        certifier=True,
        certifier_id_client="CERTA001",
        certifier_id_contrat="MCFCER000123",
        name="Institut de certification",
    )


@pytest.fixture
def fiches(db):
    def fiche(code, active=True, **kwargs):
        return Fiche.objects.create(
            code=code,
            kind="RS" if code.startswith("RS") else "RNCP",
            title=kwargs.pop("title", f"Certification {code}"),
            active=active,
            search_text="",
            **kwargs,
        )

    new = fiche("RNCP38000", title="Technicien de maintenance industrielle", level=4)
    old = fiche("RNCP30000", active=False, successor=new)
    return {
        "RNCP34829": fiche("RNCP34829", title="Technicien supérieur de maintenance", level=5),
        "RS5286": fiche("RS5286", title="Test of English for International Communication"),
        "RNCP38000": new,
        "RNCP30000": old,
        "RNCP20000": fiche(
            "RNCP20000",
            active=False,
            registered_on=datetime.date(2020, 1, 1),
            expires_on=datetime.date(2025, 12, 31),
        ),
    }


@pytest.fixture
def persons(db):
    return {
        "anais": PersonFactory(
            birth_name="Le Bihan-Lefèvre",
            first_names="Anaïs Marie",
            sex="F",
            birth_year=1988,
            birth_month=4,
            birth_day=12,
            birth_commune_code="69383",  # Lyon 3e: « 69123 » (Lyon) in the file agrees
        ),
        "lan": PersonFactory(
            birth_name="NGUYEN",
            first_names="Thi Lan",
            sex="F",
            birth_year=1979,
            birth_month=2,
            birth_day=3,
            born_abroad=True,
            birth_country_code="99243",
        ),
    }
