"""The invoice as a PDF: a Typst layout (`typst/invoice.typ`) compiled by the documents'
machinery (`documents.render`), sealed like the service's other PDFs (`documents.seal`),
kept in the private storage on first download. The holder is named by first name and
the initial of the name only; no NIR."""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from passeport.cpf.rules import euros
from passeport.documents.builders import french_date
from passeport.documents.render import render_pdf
from passeport.documents.seal import seal_pdf

from .models import Invoice

TEMPLATE = Path(__file__).parent / "typst" / "invoice.typ"
PAYER = "Caisse des Dépôts — Mon Compte Formation"
PAYER_DETAIL = "pour le compte du titulaire, de ses financeurs et de sa participation"


def holder_initials(person) -> str:
    first = (person.first_names.split(" ")[0] or "").title()
    initial = (person.usage_name or person.birth_name or "")[:1].upper()
    return f"{first} {initial}." if initial else first


def data(invoice: Invoice) -> dict:
    file = invoice.file
    training = file.session.action.training
    provider = invoice.provider
    issued_on = timezone.localtime(invoice.issued_at).date()
    paid = ""
    if invoice.paid_on:
        paid = (
            f"Payée le {french_date(invoice.paid_on)} par virement "
            f"(référence {invoice.payment_reference})."
        )
    return {
        "title": f"Facture {invoice.number}",
        "number": invoice.number,
        "issued_on": french_date(issued_on),
        "due_on": french_date(invoice.due_on),
        "provider": {
            "name": provider.name,
            "siret": provider.siret,
            "nda": provider.nda_number or "—",
        },
        "payer": {"name": PAYER, "detail": PAYER_DETAIL},
        "file_reference": file.reference,
        "training": training.title,
        "session": f"du {french_date(file.start_date)} au {french_date(file.end_date)}",
        "holder": holder_initials(file.person),
        "hours": f"{file.hours} h",
        "price": euros(invoice.price_cents),
        "completion": f"{invoice.completion_percent} %",
        "amount": euros(invoice.amount_cents),
        "rule": (
            "Montant dû : le prix du dossier au prorata du taux de réalisation, arrondi au "
            "centime inférieur. Payable par la Caisse des Dépôts dans les 30 jours suivant "
            "l'émission de la facture."
        ),
        "paid": paid,
    }


def render(invoice: Invoice) -> bytes:
    url = settings.SITE_URL + reverse("pro:catalog_invoices", args=[invoice.provider.public_id])
    pdf = render_pdf(
        data(invoice), verification_url=url, issued_at=invoice.issued_at, template=TEMPLATE
    )
    return seal_pdf(pdf, reason=f"Facture {invoice.number} émise par l'intermédiaire de Passeport")


def pdf_bytes(invoice: Invoice) -> bytes:
    """The sealed PDF, rendered once and kept (a paid invoice is rendered again once, so
    that it says so)."""
    if invoice.pdf and _is_current(invoice):
        with invoice.pdf.open("rb") as stored:
            return stored.read()
    content = render(invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        name = f"{invoice.number}-{'payee' if invoice.paid_on else 'emise'}.pdf"
        locked.pdf.save(name, ContentFile(content), save=False)
        locked.save(update_fields=["pdf"])
    invoice.pdf = locked.pdf
    return content


def _is_current(invoice: Invoice) -> bool:
    return invoice.pdf.name.endswith("-payee.pdf") == bool(invoice.paid_on)
