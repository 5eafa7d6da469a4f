import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from passeport.referentials.loaders import EXTRACT_DIR
from passeport.referentials.models import (
    BlocSkill,
    Commune,
    Country,
    Department,
    Fiche,
    FicheBloc,
    FicheCertifier,
    FicheRome,
    NafCode,
    ReferentialLoad,
    Region,
    RomeAppellation,
    RomeCode,
    RomeCompetenceArea,
    RomeContextLink,
    RomeDomain,
    RomeMobility,
    RomeSkill,
    RomeSkillLink,
    RomeWorkContext,
)

# Children before parents, so that every delete is a plain DELETE.
MODELS = (
    BlocSkill,
    RomeMobility,
    RomeContextLink,
    RomeWorkContext,
    RomeCompetenceArea,
    RomeDomain,
    RomeSkillLink,
    RomeAppellation,
    RomeSkill,
    RomeCode,
    FicheBloc,
    FicheCertifier,
    FicheRome,
    Fiche,
    Commune,
    Department,
    Region,
    Country,
    NafCode,
    ReferentialLoad,
)

_SHARED_EXPORT = Path(settings.SHARED_DATA_DIR) / "rncp_rs" / "fc_export_csv_2024-02-22"
# The real official export when the shared data is there, else its verbatim copy.
OFFICIAL_EXPORT = (
    _SHARED_EXPORT
    if _SHARED_EXPORT.is_dir()
    else EXTRACT_DIR / "rncp_rs" / "fc_export_csv_2024-02-22"
)


def clear_referentials():
    Fiche.objects.update(successor=None)
    RomeCode.objects.update(parent=None)
    RomeSkill.objects.update(macro=None)
    for model in MODELS:
        model.objects.all().delete()


def table_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="package")
def extract_loaded(django_db_setup, django_db_blocker):
    """The committed extract, loaded once for this package's tests and removed after
    them; each test still runs in its own rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command(
            "load_referentials",
            source=EXTRACT_DIR,
            no_progress=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        yield
        clear_referentials()


@pytest.fixture
def referentials(extract_loaded, db):
    """Function-scoped access to the loaded extract (with the test's transaction)."""


@pytest.fixture
def empty_referentials(db):
    """No referential rows at all, for this test only (the deletion is rolled back)."""
    clear_referentials()
