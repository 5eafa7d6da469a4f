"""The plan of funding, in the order of docs/domain.md: funder credits, rights, top-ups,
participation forfaitaire (unless exempted), the rest by card; and the top-up plug-in
contract, exercised by a real provider class defined here."""

import datetime

import pytest
from django.test import override_settings

from passeport.catalog import plan
from passeport.cpf import ledger
from passeport.cpf.enums import Part
from passeport.journal.actors import Actor
from tests.catalog.topup_providers import RegionTopUp
from tests.cpf.helpers import account_with
from tests.factories import PersonFactory

from .helpers import offer, provider

pytestmark = pytest.mark.django_db
DAY_2024 = datetime.date(2024, 6, 1)
DAY_2026 = datetime.date(2026, 6, 1)


@pytest.fixture
def region(settings):
    RegionTopUp.envelope, RegionTopUp.committed, RegionTopUp.settled = 200_000, {}, {}
    RegionTopUp.funder_cap = None
    settings.CATALOG_TOPUP_PROVIDERS = ["tests.catalog.topup_providers.RegionTopUp"]
    return RegionTopUp


def _session(price_cents):
    return offer(provider(), price_cents=price_cents)[2]


@pytest.mark.parametrize(
    ("price", "rights", "paid_with_rights", "holder"),
    [(39_000, 35_000, 29_000, 10_000), (215_000, 180_000, 180_000, 35_000)],
)
def test_the_worked_examples_of_the_participation(price, rights, paid_with_rights, holder):
    person = PersonFactory()
    account_with(person, rights)
    result = plan.compute(person, _session(price), price, DAY_2024)
    assert result.rights_cents == paid_with_rights
    assert result.holder_cents == holder
    assert result.contribution_cents == 10_000


def test_funder_credits_come_first_then_rights_then_the_rest_by_card():
    person = PersonFactory()
    account = account_with(person, 100_000)
    ledger.credit(
        account,
        Part.FUNDER,
        50_000,
        kind="funder_credit",
        source_kind="funder",
        actor=Actor.system("t"),
    )
    result = plan.compute(person, _session(200_000), 200_000, DAY_2026)
    assert (result.funder_cents, result.rights_cents) == (50_000, 100_000)
    assert result.contribution_cents == 10_320
    assert result.card_cents == 200_000 - 150_000 - 10_320
    assert result.holder_cents == 200_000 - 150_000


def test_no_account_pays_everything_by_card():
    result = plan.compute(PersonFactory(), _session(50_000), 50_000, DAY_2026)
    assert result.cpf_cents == 0 and result.holder_cents == 50_000


def test_a_top_up_pays_after_rights_and_never_the_participation(region):
    person = PersonFactory()
    account_with(person, 100_000)
    result = plan.compute(person, _session(300_000), 300_000, DAY_2026)
    assert result.rights_cents == 100_000
    assert [(t.funder_name, t.amount_cents) for t in result.topups] == [
        ("Région Auvergne-Rhône-Alpes", 80_000)
    ]
    assert result.contribution_cents == 10_320
    assert result.card_cents == 300_000 - 100_000 - 80_000 - 10_320
    assert region.envelope == 200_000  # evaluate only: nothing committed


def test_commit_may_give_less_than_evaluate_when_the_envelope_runs_out(region):
    region.envelope = 30_000
    person = PersonFactory()
    result = plan.compute(person, _session(300_000), 300_000, DAY_2026, commit_reference="F-1")
    assert result.topups_cents == 30_000
    assert region.envelope == 0 and region.committed == {"F-1": 30_000}


def test_a_top_up_that_exempts_removes_the_participation():
    person = PersonFactory()
    account_with(person, 10_000)
    with override_settings(CATALOG_TOPUP_PROVIDERS=["tests.catalog.topup_providers.EmployerTopUp"]):
        result = plan.compute(person, _session(60_000), 60_000, DAY_2026)
    assert result.contribution_cents == 0
    assert result.rights_cents == 10_000 and result.topups_cents == 50_000
    assert result.holder_cents == 0
    assert "cofinancée par l'employeur" in result.contribution_text


def test_a_provider_may_restrict_the_funder_credits(region):
    region.funder_cap = 20_000
    person = PersonFactory()
    account = account_with(person)
    ledger.credit(
        account,
        Part.FUNDER,
        50_000,
        kind="funder_credit",
        source_kind="funder",
        actor=Actor.system("t"),
    )
    result = plan.compute(person, _session(100_000), 100_000, DAY_2026)
    assert result.funder_cents == 20_000
