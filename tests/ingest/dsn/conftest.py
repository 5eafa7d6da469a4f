"""The persons the hand-written fixtures speak of (their NIRs agree with make_nir)."""

import shutil
from pathlib import Path

import pytest

from passeport.people.nir import make_nir
from tests.factories import PersonFactory
from tests.ingest.dsn.dsn_fixtures import FIXTURES


@pytest.fixture
def dsn_file(tmp_path):
    """A copy of a fixture under tmp_path (its name is what the provenance quotes)."""

    def copy(name: str, as_name: str | None = None) -> Path:
        target = tmp_path / (as_name or name)
        shutil.copyfile(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture
def holders(db):
    return {
        "zoe": PersonFactory(
            nir=make_nir("F", 1985, 3, "75107", 123),
            birth_name="LEFÈVRE",
            first_names="Zoé Marie",
            sex="F",
            birth_year=1985,
            birth_month=3,
            birth_day=15,
            birth_commune_code="75107",
        ),
        "amadou": PersonFactory(
            nir=make_nir("M", 1990, 11, "69381", 45),
            birth_name="N'DIAYE",
            first_names="Amadou",
            sex="M",
            birth_year=1990,
            birth_month=11,
            birth_day=None,
            birth_commune_code="69381",
        ),
        "claire": PersonFactory(
            nir=make_nir("F", 1978, 7, "13201", 7),
            birth_name="DURAND",
            first_names="Claire",
            sex="F",
            birth_year=1978,
            birth_month=7,
            birth_day=12,
            birth_commune_code="13201",
        ),
    }
