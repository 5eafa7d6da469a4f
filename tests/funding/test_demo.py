"""`seed_demo` gives the funders' walkthrough what it needs: a demo Région with a
ProConnect demo account, an approved convention and a published rule that a test
identity's purchase meets; an employer's corrective order that, once confirmed, shows in
the holder's « Mes droits »."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from passeport.cpf import ledger
from passeport.demo import funding as funding_demo
from passeport.funding.enums import ConventionStatus, OrderStatus, RuleStatus
from passeport.funding.models import Convention, CreditOrder, Envelope, Rule
from passeport.funding.orders import confirm_payment
from passeport.funding.purchase import FundingTopUps, PurchaseContext
from passeport.identity.devidp.accounts import professional_accounts
from passeport.journal.actors import Actor
from passeport.journal.verification import verify_journal
from passeport.people.models import Person
from passeport.referentials.loaders import EXTRACT_DIR
from passeport.users.models import User

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_walkthrough(client):
    call_command("load_referentials", source=EXTRACT_DIR, no_progress=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", holders=12, seed=3, today=TODAY, stdout=out, stderr=io.StringIO())
    assert "Financeurs de démonstration" in out.getvalue()
    assert funding_demo.seed(TODAY) == {}  # idempotent
    region = Convention.objects.get(funder__siret=funding_demo.REGION_SIRET).funder
    assert region.funding_conventions.get().status == ConventionStatus.APPROVED
    sirets = [account.claims["siret"] for account in professional_accounts()]
    assert region.siret in sirets
    rule = Rule.objects.get(funder=region)
    assert rule.status == RuleStatus.PUBLISHED
    holder = Person.objects.order_by("pk").first()
    context = PurchaseContext(
        person=holder,
        day=TODAY,
        price_cents=250_000,
        rights_cents=100_000,
        certification_code="RNCP12345",
        rome_codes=(),
        formacodes=(),
        provider_siret="1" * 14,
        modality="remote",
        department_code="75",
        region_code="11",
    )
    topups = FundingTopUps()
    assert [t.amount_cents for t in topups.commit(context, "DEMO-1")] == [80_000]
    assert Envelope.objects.get(funder=region).committed_cents == 80_000
    topups.release("DEMO-1")
    assert Envelope.objects.get(funder=region).committed_cents == 0
    order = CreditOrder.objects.get(external_id=funding_demo.DEMO_ORDER)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    confirm_payment(order, actor=Actor.system("tests"))
    assert ledger.balances(ledger.account_of(holder)).funder >= 300_000
    user = User.objects.filter(person=holder).first()
    if user is None:
        user = User.objects.create(username="demo-holder", kind="holder", person=holder)
    client.force_login(user)
    page = client.get(reverse("holder:rights")).content.decode()
    assert order.funder.name in page and "toute formation éligible" in page
    assert verify_journal().intact
