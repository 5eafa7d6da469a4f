"""The import and generate commands: the same import as the portal, the same report."""

import json

import pytest
from django.core.management import CommandError, call_command

from passeport.prevention.enums import Channel
from passeport.prevention.models import DeclarationLine, PreventionImport

from .helpers import adf_values, csv_bytes

pytestmark = pytest.mark.django_db


def test_import_command_writes_the_report(tmp_path, referentials, provider, persons, capsys):
    path = tmp_path / "adf.csv"
    path.write_bytes(csv_bytes([adf_values(persons[0]), adf_values(persons[1], NOM_TITULAIRE="X")]))
    report = tmp_path / "report.json"
    corrected = tmp_path / "corrected.csv"

    call_command(
        "import_prevention",
        str(path),
        "--kind",
        "adf",
        "--declarant",
        provider.siret,
        "--report",
        str(report),
        "--corrected",
        str(corrected),
        "--no-progress",
    )

    assert "1 ligne(s) acceptée(s)" in capsys.readouterr().out
    data = json.loads(report.read_text())
    assert (data["acceptees"], data["rejetees"]) == (1, 1)
    assert data["rejets"][0]["ligne"] == 3
    assert len(corrected.read_text().splitlines()) == 2
    assert PreventionImport.objects.get().channel == Channel.COMMAND
    assert DeclarationLine.objects.count() == 1


def test_import_command_rejected_file(tmp_path, referentials, provider):
    path = tmp_path / "adf.csv"
    path.write_bytes(b"A;B;C\r\n1;2;3\r\n")
    with pytest.raises(CommandError, match="séparateur"):
        call_command(
            "import_prevention",
            str(path),
            "--kind",
            "adf",
            "--declarant",
            provider.siret,
            "--no-progress",
        )


def test_unknown_declarant(tmp_path, referentials):
    path = tmp_path / "adf.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="Aucune organisation"):
        call_command("import_prevention", str(path), "--kind", "adf", "--declarant", "1")


@pytest.mark.parametrize("kind", ["adf", "jdr"])
def test_generated_file_is_accepted(tmp_path, referentials, provider, employer, persons, kind):
    path = tmp_path / f"{kind}.csv"
    call_command(
        "generate_prevention",
        str(path),
        "--kind",
        kind,
        "--lines",
        "60",
        "--declarant",
        provider.siret,
    )
    call_command(
        "import_prevention",
        str(path),
        "--kind",
        kind,
        "--declarant",
        provider.siret,
        "--no-progress",
    )
    imported = PreventionImport.objects.get()
    assert (imported.accepted_count, imported.rejected_count) == (60, 0)
