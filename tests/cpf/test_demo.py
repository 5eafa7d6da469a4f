"""The demo population's CPF rights: several years of acquisitions from generated DSN
hours, a civic activity, hours waiting for the association, a public agent."""

import datetime
import io

import pytest
from django.core.management import call_command

from passeport.cpf import annual, ledger
from passeport.cpf.enums import CecStatus, MovementKind
from passeport.cpf.models import CecDeclaration, CpfAccount, Movement
from passeport.demo import cpf as cpf_demo
from passeport.identity.devidp.accounts import demo_organisations
from passeport.journal.verification import verify_journal
from passeport.referentials.loaders import EXTRACT_DIR

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_demo_holders_have_several_years_of_rights():
    call_command("load_referentials", source=EXTRACT_DIR, no_progress=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", holders=40, seed=3, today=TODAY, stdout=out, stderr=io.StringIO())
    assert "Droits CPF de démonstration" in out.getvalue()
    years = set(
        Movement.objects.filter(kind=MovementKind.ACQUISITION).values_list("year", flat=True)
    )
    assert len(years) >= 4
    first, second = cpf_demo._test_persons()[:2]
    account = CpfAccount.objects.get(person=first)
    assert account.movements.filter(kind=MovementKind.ACQUISITION).count() >= 2
    assert ledger.balances(account).cec == 24_000
    assert CecDeclaration.objects.get(person=first, status=CecStatus.PENDING).body.is_civic_body
    assert ledger.balances(CpfAccount.objects.get(person=second)).hours == 10_000
    for acquisition in account.movements.filter(kind=MovementKind.ACQUISITION):
        assert acquisition.occurred_on == datetime.date(acquisition.year + 1, 3, 31)
    assert all(ledger.verify_account(a) == [] for a in CpfAccount.objects.all())
    assert verify_journal().intact
    # The annual run again over the demo: nothing changes.
    assert annual.compute_rights(2024).outcomes["adjusted"] == 0
    # The professional demo accounts reach the CPF's own organisations: a civic body and a
    # public employer, each distinct from the employer, provider and certifier.
    organisations = demo_organisations()
    assert len({o.pk for o in organisations}) == len(organisations)
    assert any(o.is_civic_body for o in organisations)
    assert any(o.is_public_employer for o in organisations)
