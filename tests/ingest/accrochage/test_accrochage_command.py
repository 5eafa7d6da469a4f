"""manage.py ingest_accrochage: the certifier found from the file's header (read up to
its idClient only) or named by SIRET, the accusé written, bad files refused."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from passeport.ingest.accrochage import reader
from passeport.ingest.accrochage.models import AccrochageSubmission
from passeport.records.models import Certification
from tests.ingest.accrochage.builders import HANDWRITTEN

pytestmark = pytest.mark.django_db


def test_the_certifier_comes_from_the_header(certifier, fiches, persons, tmp_path):
    accuse = tmp_path / "accuse.json"
    out = io.StringIO()
    call_command(
        "ingest_accrochage", str(HANDWRITTEN), "--json", str(accuse), "--no-progress", stdout=out
    )
    assert "2 acceptés, 1 rejetés" in out.getvalue()
    assert AccrochageSubmission.objects.get().certifier == certifier
    assert Certification.objects.count() == 2
    assert json.loads(accuse.read_text())["statut"] == "TRAITE"

    call_command(
        "ingest_accrochage", str(HANDWRITTEN), "--certifier", certifier.siret, "--no-progress",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Certification.objects.count() == 2  # the same file again changes nothing


def test_header_reading_stops_at_the_first_certification(tmp_path):
    assert reader.certifier_id_client(str(HANDWRITTEN)) == "CERTA001"
    # Everything after the header is not read: a broken end does not matter here.
    broken = tmp_path / "tronque.xml"
    text = HANDWRITTEN.read_text(encoding="utf-8")
    broken.write_text(text[: text.index("<cpf:passageCertification")] + "<<<", encoding="utf-8")
    assert reader.certifier_id_client(str(broken)) == "CERTA001"


def test_unknown_certifier_and_refused_files(certifier, fiches, tmp_path):
    other = tmp_path / "autre.xml"
    other.write_text(
        HANDWRITTEN.read_text(encoding="utf-8").replace("CERTA001", "INCONNU9"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Aucun certificateur d'idClient INCONNU9"):
        call_command("ingest_accrochage", str(other), "--no-progress")

    doctype = tmp_path / "doctype.xml"
    text = HANDWRITTEN.read_text(encoding="utf-8")
    head, rest = text.split("?>", 1)
    doctype.write_text(head + '?><!DOCTYPE flux [<!ENTITY x "y">]>' + rest, encoding="utf-8")
    with pytest.raises(CommandError, match="DOCTYPE"):
        call_command("ingest_accrochage", str(doctype), "--no-progress")

    with pytest.raises(CommandError, match="introuvable"):
        call_command("ingest_accrochage", str(tmp_path / "absent.xml"), "--no-progress")
