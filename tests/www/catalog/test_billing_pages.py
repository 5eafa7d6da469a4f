"""The providers' « Factures et paiements »: invoicing one file or a selection from the
portal, the invoices and payments received with a total per month, the PDF; tested from
the attacker's side (another organisation, an anonymous visitor, a holder)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from passeport.catalog import billing
from passeport.catalog.enums import BillingState
from passeport.catalog.models import Invoice
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from tests.catalog.helpers import PROVIDER_ACTOR, SYSTEM, billable_file, offer, provider
from tests.cpf.helpers import account_with
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _member(org):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=org, role=MembershipRole.MEMBER)
    return user


def _billable(org, ref, *, price_cents=200_000, completion=100):
    holder = PersonFactory(first_names="Camille", birth_name="Martin")
    account_with(holder, 300_000)
    _, _, session = offer(org, ref=ref, price_cents=price_cents)
    return billable_file(holder, session, completion=completion)


def test_a_member_invoices_a_selection_and_one_file_then_sees_the_payments(client):
    org = provider(name="Organisme Démo")
    a, b = _billable(org, "A"), _billable(org, "B", price_cents=123_456, completion=60)
    c = _billable(org, "C")
    client.force_login(_member(org))

    listing = client.get(
        reverse("pro:catalog_files", args=[org.public_id]), {"etat": "service_done_validated"}
    ).content.decode()
    assert "Facturer la sélection" in listing and "À facturer" in listing
    assert f'value="{a.public_id}"' in listing

    response = client.post(
        reverse("pro:catalog_invoice_files", args=[org.public_id]),
        {"dossiers": [str(a.public_id), str(b.public_id)]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:catalog_invoices", args=[org.public_id])
    assert Invoice.objects.filter(provider=org).count() == 2

    detail = client.get(reverse("pro:catalog_file", args=[org.public_id, c.public_id]))
    assert "Facturer</button>" in detail.content.decode()
    response = client.post(
        reverse("pro:catalog_invoice_files", args=[org.public_id]),
        {"dossiers": [str(c.public_id)], "retour": "dossier"},
    )
    assert response["Location"] == reverse("pro:catalog_file", args=[org.public_id, c.public_id])
    c.refresh_from_db()
    assert c.billing == BillingState.BILLED
    assert "Télécharger la facture" in client.get(response["Location"]).content.decode()

    billing.pay(Invoice.objects.get(file=a), actor=SYSTEM, on=timezone.localdate())
    page = client.get(reverse("pro:catalog_invoices", args=[org.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    for invoice in Invoice.objects.all():
        assert invoice.number in html
    assert "740,73 €" in html  # 60 % of 1 234,56 €, rounded down
    assert "Paiements reçus : 2\u202f000,00 €" in html
    assert "Factures émises : 3, pour 4\u202f740,73 €" in html
    assert f"{timezone.localdate():%m/%Y}" in html  # the month's total
    assert "Payée" in html and "En attente" in html


def test_a_file_not_to_bill_or_of_another_provider_is_not_invoiced(client):
    org, other = provider(), provider()
    mine, theirs = _billable(org, "A"), _billable(other, "B")
    client.force_login(_member(org))
    response = client.post(
        reverse("pro:catalog_invoice_files", args=[org.public_id]),
        {"dossiers": [str(theirs.public_id), "pas-un-identifiant"]},
        follow=True,
    )
    assert "Sélectionnez au moins un dossier" in response.content.decode()
    assert not Invoice.objects.exists()
    billing.invoice(mine, actor=PROVIDER_ACTOR)
    again = client.post(
        reverse("pro:catalog_invoice_files", args=[org.public_id]),
        {"dossiers": [str(mine.public_id)]},
        follow=True,
    )
    assert Invoice.objects.count() == 1  # invoicing twice: the same invoice
    assert Invoice.objects.get().number in again.content.decode()


def test_the_pdf_is_for_the_providers_members_only(client):
    org = provider(name="Organisme Démo")
    invoice = billing.invoice(_billable(org, "A"), actor=PROVIDER_ACTOR)
    to_bill = _billable(org, "B")
    url = reverse("pro:catalog_invoice_pdf", args=[org.public_id, invoice.public_id])
    invoice_files = reverse("pro:catalog_invoice_files", args=[org.public_id])

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and b"%PDF" not in anonymous.content
    assert client.post(invoice_files, {"dossiers": [str(to_bill.public_id)]}).status_code == 302
    holder = UserFactory(holder=True)
    client.force_login(holder)
    assert client.get(url).status_code == 404
    assert client.post(invoice_files, {"dossiers": [str(to_bill.public_id)]}).status_code == 404
    intruder_org = provider()
    client.force_login(_member(intruder_org))
    assert client.get(url).status_code == 404
    foreign = reverse("pro:catalog_invoice_pdf", args=[intruder_org.public_id, invoice.public_id])
    assert client.get(foreign).status_code == 404
    assert client.post(invoice_files, {"dossiers": [str(to_bill.public_id)]}).status_code == 404
    to_bill.refresh_from_db()
    assert to_bill.billing == BillingState.TO_BILL and Invoice.objects.count() == 1

    client.force_login(_member(org))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    info = PdfFileReader(io.BytesIO(content)).trailer_view["/Info"]
    assert invoice.number in str(info["/Title"])
