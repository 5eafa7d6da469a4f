"""Billing of training files: à facturer → facturé (an invoice numbered per provider and
year, due 30 days later) → payé (the payment run, or an operator); the log, the journal,
the webhook, idempotence, amounts at partial completion in integer cents, the PDF."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from passeport.api import services
from passeport.catalog import billing, invoice_pdf
from passeport.catalog.enums import BillingState, FileState
from passeport.catalog.files import FileError
from passeport.catalog.models import FileTransition, Invoice, WebhookDelivery
from passeport.catalog.webhooks import register
from passeport.journal.actors import Actor, ActorKind
from passeport.journal.models import JournalEntry
from tests.cpf.helpers import account_with
from tests.factories import PersonFactory, UserFactory

from .helpers import (
    PROVIDER_ACTOR,
    SYSTEM,
    billable_file,
    holder_actor,
    offer,
    provider,
    validated_file,
)

pytestmark = pytest.mark.django_db
OPERATOR = Actor(ActorKind.OPERATOR, "op-1", "Opératrice")


def _file(org=None, *, price_cents=200_000, completion=100, ref="F1", **person):
    org = org or provider()
    holder = PersonFactory(**person)
    account_with(holder, 300_000)
    _, _, session = offer(org, ref=ref, price_cents=price_cents)
    return billable_file(holder, session, completion=completion)


def test_invoicing_then_paying_is_logged_journaled_and_announced():
    org = provider()
    register(org, "https://logiciel.example/hook")
    file = _file(org)
    assert file.billing == BillingState.TO_BILL
    now = timezone.now()

    invoice = billing.invoice(file, actor=PROVIDER_ACTOR, now=now)
    file.refresh_from_db()
    issued_on = timezone.localtime(now).date()
    assert file.billing == BillingState.BILLED
    assert file.state == FileState.SERVICE_DONE_VALIDATED
    assert invoice.number == f"F-{issued_on.year}-000001"
    assert invoice.amount_cents == 200_000
    assert invoice.due_on == issued_on + datetime.timedelta(days=30)
    assert invoice.paid_on is None

    paid = billing.pay(invoice, actor=SYSTEM, on=issued_on)
    file.refresh_from_db()
    assert file.billing == BillingState.PAID
    assert file.paid_on == issued_on == paid.paid_on
    assert paid.payment_reference == f"VIR-{invoice.number}"

    last = list(FileTransition.objects.filter(file=file).order_by("pk"))[-2:]
    assert [(t.from_state, t.to_state) for t in last] == [(file.state, file.state)] * 2
    assert last[0].detail == f"Facturé ({invoice.number})"
    assert last[1].detail == f"Payé le {issued_on:%d/%m/%Y} ({paid.payment_reference})"
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"catalog.file_billed", "catalog.file_paid"} <= actions
    events = [d.payload for d in WebhookDelivery.objects.order_by("pk") if "invoice" in d.payload]
    assert [e["type"] for e in events] == ["training_file.billing_changed"] * 2
    assert [e["file"]["billing"] for e in events] == ["billed", "paid"]
    assert events[1]["invoice"]["payment_reference"] == paid.payment_reference


def test_invoicing_and_paying_twice_change_nothing():
    file = _file()
    first = billing.invoice(file, actor=PROVIDER_ACTOR)
    again = billing.invoice(file, actor=PROVIDER_ACTOR)
    assert again.pk == first.pk and Invoice.objects.count() == 1
    day = timezone.localdate()
    billing.pay(first, actor=SYSTEM, on=day)
    billing.pay(first, actor=SYSTEM, on=day + datetime.timedelta(days=3))
    first.refresh_from_db()
    assert first.paid_on == day
    assert FileTransition.objects.filter(file=file, detail__startswith="Payé").count() == 1
    assert FileTransition.objects.filter(file=file, detail__startswith="Facturé").count() == 1


def test_a_partial_completion_is_invoiced_pro_rata_in_cents_rounded_down():
    # 60 % of 1 234,56 € = 740,736 € → 740,73 € (rounded down to the cent, never floats).
    file = _file(price_cents=123_456, completion=60)
    invoice = billing.invoice(file, actor=PROVIDER_ACTOR)
    assert (invoice.price_cents, invoice.completion_percent) == (123_456, 60)
    assert invoice.amount_cents == 74_073


def test_numbers_follow_each_other_per_provider_and_restart_each_year():
    org, other = provider(), provider()
    late_december = timezone.make_aware(datetime.datetime(2026, 12, 30, 10))
    first = billing.invoice(_file(org, ref="A"), actor=PROVIDER_ACTOR, now=late_december)
    second = billing.invoice(_file(org, ref="B"), actor=PROVIDER_ACTOR, now=late_december)
    elsewhere = billing.invoice(_file(other, ref="C"), actor=PROVIDER_ACTOR, now=late_december)
    next_year = billing.invoice(
        _file(org, ref="D"), actor=PROVIDER_ACTOR, now=late_december + datetime.timedelta(days=3)
    )
    assert [first.number, second.number] == ["F-2026-000001", "F-2026-000002"]
    assert elsewhere.number == "F-2026-000001"
    assert next_year.number == "F-2027-000001"


def test_only_a_file_to_bill_is_invoiced_and_only_by_its_provider():
    org = provider()
    holder = PersonFactory()
    account_with(holder, 300_000)
    _, _, session = offer(org)
    open_file = validated_file(holder, session)
    with pytest.raises(FileError, match="n'est pas à facturer"):
        billing.invoice(open_file, actor=PROVIDER_ACTOR)
    file = _file(org, ref="F2")
    with pytest.raises(FileError):
        billing.invoice(file, actor=holder_actor(file.person))
    with pytest.raises(FileError):
        billing.invoice(file, actor=SYSTEM)
    nothing = _file(org, ref="F3", completion=0)
    with pytest.raises(FileError, match="rien à facturer"):
        billing.invoice(nothing, actor=PROVIDER_ACTOR)
    invoice = billing.invoice(file, actor=PROVIDER_ACTOR)
    with pytest.raises(FileError):
        billing.pay(invoice, actor=PROVIDER_ACTOR, on=timezone.localdate())
    assert Invoice.objects.count() == 1


def test_the_payment_run_pays_what_is_issued_once_and_the_dry_run_only_counts(capsys):
    org = provider()
    now = timezone.now()
    today = timezone.localdate()
    a = billing.invoice(_file(org, ref="A"), actor=PROVIDER_ACTOR, now=now)
    b = billing.invoice(
        _file(org, ref="B", price_cents=123_456, completion=60), actor=PROVIDER_ACTOR, now=now
    )
    billing.pay(b, actor=OPERATOR, on=today)  # an operator, from the admin

    call_command("pay_due_invoices", "--dry-run", "--date", today.isoformat())
    assert "1 facture(s) seraient payée(s)" in capsys.readouterr().out
    assert Invoice.objects.get(pk=a.pk).paid_on is None

    yesterday = today - datetime.timedelta(days=1)
    call_command("pay_due_invoices", "--date", yesterday.isoformat())  # issued later
    assert Invoice.objects.get(pk=a.pk).paid_on is None

    call_command("pay_due_invoices", "--date", today.isoformat())
    assert "1 facture(s) payée(s)" in capsys.readouterr().out.splitlines()[-1]
    call_command("pay_due_invoices", "--date", today.isoformat())
    assert "0 facture(s) payée(s)" in capsys.readouterr().out
    a.refresh_from_db()
    assert (a.paid_on, a.payment_reference) == (today, f"VIR-{a.number}")
    assert a.file.billing == BillingState.PAID
    assert FileTransition.objects.filter(detail__startswith="Payé").count() == 2


def test_the_payment_run_is_a_daily_periodic_task():
    from huey.contrib.djhuey import HUEY

    task_class = HUEY._registry.string_to_task("passeport.catalog.tasks.pay_due_invoices")
    start = datetime.datetime(2026, 12, 7)
    moments = [start + datetime.timedelta(minutes=m) for m in range(24 * 60)]
    assert [m for m in moments if task_class().validate_datetime(m)] == [
        datetime.datetime(2026, 12, 7, 6, 30)
    ]


def test_the_invoice_pdf_is_sealed_and_names_the_holder_by_initial_only():
    org = provider(name="Organisme Exemple")
    file = _file(org, first_names="Camille Marie", birth_name="Dupont")
    invoice = billing.invoice(file, actor=PROVIDER_ACTOR)
    data = invoice_pdf.data(invoice)
    assert data["holder"] == "Camille D."
    assert "Dupont" not in str(data)
    assert data["amount"] == "2\u202f000,00 €" and data["number"] == invoice.number
    assert data["provider"]["siret"] == org.siret

    content = invoice_pdf.pdf_bytes(invoice)
    assert content.startswith(b"%PDF")
    reader = PdfFileReader(io.BytesIO(content))
    assert str(reader.trailer_view["/Info"]["/Title"]) == f"Facture {invoice.number}"
    assert len(reader.embedded_signatures) == 1
    invoice.refresh_from_db()
    assert invoice.pdf.name.endswith("-emise.pdf")
    assert invoice_pdf.pdf_bytes(invoice) == content  # kept, not rendered again


def _token(organisation, scopes=("training_files:manage",)):
    api_client, secret = services.create_client(
        organisation, name="Logiciel", scopes=list(scopes), created_by=UserFactory()
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_invoices_idempotently_and_shows_billing(client):
    org = provider()
    file = _file(org)
    headers = _token(org)
    url = f"/api/v1/training-files/{file.public_id}/invoice"
    first = client.post(url, content_type="application/json", **headers)
    assert first.status_code == 200, first.content
    body = first.json()
    invoice = Invoice.objects.get(file=file)
    assert (body["billing"], body["billing_label"]) == ("billed", "Facturé")
    assert body["invoice_number"] == invoice.number
    assert body["invoice_amount_cents"] == 200_000 and body["paid_at"] is None
    again = client.post(url, content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["invoice_number"] == invoice.number
    assert Invoice.objects.count() == 1

    billing.pay(invoice, actor=SYSTEM, on=timezone.localdate())
    listed = client.get("/api/v1/training-files?state=service_done_validated", **headers).json()
    assert listed[0]["billing"] == "paid"
    assert listed[0]["paid_at"] == timezone.localdate().isoformat()


def test_the_api_refuses_in_french_and_hides_other_providers_files(client):
    org = provider()
    holder = PersonFactory()
    account_with(holder, 300_000)
    _, _, session = offer(org)
    open_file = validated_file(holder, session)
    headers = _token(org)
    refused = client.post(
        f"/api/v1/training-files/{open_file.public_id}/invoice",
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422
    assert "n'est pas à facturer" in refused.json()["detail"]

    file = _file(org, ref="F2")
    url = f"/api/v1/training-files/{file.public_id}/invoice"
    other = client.post(url, content_type="application/json", **_token(provider()))
    assert other.status_code == 404
    wrong_scope = client.post(
        url, content_type="application/json", **_token(org, ["catalog:write"])
    )
    assert wrong_scope.status_code in (401, 403)
    assert client.post(url, content_type="application/json").status_code == 401
    assert not Invoice.objects.exists()
