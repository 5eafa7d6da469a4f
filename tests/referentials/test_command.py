import io
import os
import shutil
import time

import pytest
from django.core.management import CommandError, call_command

from passeport.referentials.loaders import EXTRACT_DIR
from passeport.referentials.models import NafCode, ReferentialLoad


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_referentials", *args, no_progress=True, stdout=out, stderr=err, **options)
    return out.getvalue()


@pytest.mark.usefixtures("referentials")
def test_if_needed_skips_unchanged_sources_quickly():
    started = time.perf_counter()
    output = run(source=EXTRACT_DIR, if_needed=True)
    assert time.perf_counter() - started < 0.5
    assert output.count("fichiers inchangés") == 4


@pytest.mark.usefixtures("referentials")
def test_if_needed_reloads_a_changed_source(tmp_path):
    source = tmp_path / "extract"
    # New modification times: a copy is not the loaded files (copy2 would keep them).
    shutil.copytree(EXTRACT_DIR, source, copy_function=shutil.copyfile)
    output = run(source=source, if_needed=True, only="naf")
    assert "732 codes NAF" in output
    assert "inchangés" in run(source=source, if_needed=True, only="naf")
    labels = source / "naf" / "naf2008_liste_n5.csv"
    stat = labels.stat()
    os.utime(labels, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert "inchangés" not in run(source=source, if_needed=True, only="naf")
    load = ReferentialLoad.objects.get(name="naf")
    assert (load.rows, load.details) == (732, {"codes NAF": 732})


def test_missing_source_folder_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match=r"Le dossier source .* n'existe pas"):
        run(source=tmp_path / "absent")


def test_folder_without_the_files_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="Fichiers du COG introuvables"):
        run(source=tmp_path, only="cog")
    with pytest.raises(CommandError, match="Aucune donnée RNCP/RS"):
        run(source=tmp_path, only="rncp")


def test_wrong_columns_are_a_clear_error(tmp_path, db):
    (tmp_path / "naf2008_liste_n5.csv").write_text("code,intitule\n01.11Z,Culture\n")
    (tmp_path / "naf2008_5_niveaux.csv").write_text("NIV5,NIV4,NIV3,NIV2,NIV1\n")
    with pytest.raises(CommandError, match=r"Colonnes absentes de naf2008_liste_n5\.csv : libelle"):
        run(source=tmp_path, only="naf")


def test_unknown_source_name(db):
    with pytest.raises(CommandError, match="Source inconnue : foo"):
        run(only="naf,foo")


def test_falls_back_to_the_extract(settings, tmp_path, empty_referentials):
    settings.SHARED_DATA_DIR = tmp_path / "absent"
    output = run(only="naf")
    assert "extrait intégré" in output
    assert NafCode.objects.count() == 732
