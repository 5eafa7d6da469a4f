"""Operators in the admin: decide conventions, confirm transfers, import statements."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passeport.cpf import ledger
from passeport.funding.enums import Channel, ConventionStatus, CreditKind, OrderStatus
from passeport.funding.orders import LineInput, OrderInput, receive_order
from passeport.journal.actors import Actor
from tests.factories import PersonFactory, UserFactory
from tests.factories_funding import ConventionFactory, transfer_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(UserFactory(kind="operator", is_staff=True, is_superuser=True))
    return client


def test_operator_approves_then_ends_a_convention(operator_client):
    convention = ConventionFactory(status=ConventionStatus.SUBMITTED)
    url = reverse("admin:funding_convention_change", args=[convention.pk])
    page = operator_client.get(url)
    assert page.status_code == 200
    data = {
        "funder": convention.funder.pk,
        "title": convention.title,
        "starts_on": "2025-01-01",
        "ends_on": "",
        "decision": ConventionStatus.REFUSED,
        "note": "",
        "transitions-TOTAL_FORMS": 0,
        "transitions-INITIAL_FORMS": 0,
    }
    operator_client.post(url, data)
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SUBMITTED  # a refusal needs its reason
    operator_client.post(url, {**data, "decision": ConventionStatus.APPROVED})
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.APPROVED
    assert convention.transitions.get().actor_label


def test_operator_confirms_a_transfer_and_imports_a_statement(operator_client):
    funder = ConventionFactory().funder
    person, other = PersonFactory(), PersonFactory()
    orders = [
        receive_order(
            funder,
            OrderInput(
                external_id=f"C{i}",
                kind=CreditKind.CORRECTIVE,
                transfer_reference=transfer_reference(funder, code=code),
                lines=[LineInput(2, who.reveal_nir(), who.birth_name, "300000")],
            ),
            channel=Channel.WEB,
            actor=Actor.system("tests"),
        ).order
        for i, (who, code) in enumerate([(person, "BAFO"), (other, "DUKE")])
    ]
    changelist = reverse("admin:funding_creditorder_changelist")
    operator_client.post(
        changelist, {"action": "confirm_transfer", "_selected_action": [orders[0].pk]}
    )
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.CREDITED
    assert ledger.balances(ledger.account_of(person)).funder == 300_000
    statement = f"date;libelle;montant\n01/12/2026;{orders[1].transfer_reference};3000\n"
    page = operator_client.post(
        reverse("admin:funding_statement"),
        {"file": SimpleUploadedFile("releve.csv", statement.encode())},
    )
    assert page.status_code == 200 and "C1" in page.content.decode()
    assert ledger.balances(ledger.account_of(other)).funder == 300_000
