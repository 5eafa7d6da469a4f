"""The daily and verification commands, and the import files' global refusals."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from passeport.cpf import cec, imports
from passeport.cpf.enums import CecActivity, CecStatus
from passeport.cpf.models import CecDeclaration
from tests.factories import PersonFactory

from .helpers import ACTOR, account_with, civic_body

pytestmark = pytest.mark.django_db


def test_expire_cec_declarations_command():
    association = civic_body(CecActivity.ASSOCIATION_LEADER)
    cec.declare_by_volunteer(
        PersonFactory(), association, year=2025, hours=220, role="", actor=ACTOR,
        today=datetime.date(2026, 3, 1),
    )  # fmt: skip
    out = io.StringIO()
    call_command("expire_cec_declarations", "--date", "2027-01-01", "--dry-run", stdout=out)
    assert "1 déclaration(s) non confirmée(s)" in out.getvalue()
    assert CecDeclaration.objects.get().status == CecStatus.PENDING
    call_command("expire_cec_declarations", "--date", "2027-01-01", stdout=io.StringIO())
    assert CecDeclaration.objects.get().status == CecStatus.EXPIRED
    with pytest.raises(CommandError):
        call_command("expire_cec_declarations", "--date", "demain")


def test_verify_cpf_ledger_command():
    account_with(PersonFactory(), 10_000)
    out = io.StringIO()
    call_command("verify_cpf_ledger", stdout=out)
    assert "intact (1 comptes vérifiés)" in out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Fichier vide."),
        (b"\xff\xfeNIR", "pas en UTF-8"),
        (b"NIR;NOM_NAISSANCE\n", "En-tête attendu"),
        (";".join(imports.CEC_COLUMNS).encode() + b"\n", "aucune ligne"),
    ],
)
def test_files_refused_whole_with_one_message(data, message):
    result = imports.import_cec(data, body=civic_body(CecActivity.CIVIC_RESERVE), actor=ACTOR)
    assert message in result.error and not result.accepted


def test_a_short_line_is_rejected_with_its_number():
    data = (";".join(imports.CEC_COLUMNS) + "\n1;2;3\n").encode("utf-8-sig")
    result = imports.import_cec(data, body=civic_body(CecActivity.CIVIC_RESERVE), actor=ACTOR)
    assert result.rejected == [(2, "", "3 colonnes au lieu de 9")]
