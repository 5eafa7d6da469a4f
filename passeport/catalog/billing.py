"""Billing of a training file, after « service fait validé », as an explicit lifecycle:

    à facturer ─provider: invoice()─▶ facturé (an `Invoice`, due 30 days later)
               ─payment run or operator: pay()─▶ payé

Each step locks the file's row, updates `TrainingFile.billing`, is logged as a
`FileTransition` (the file's state is unchanged: from_state = to_state), journaled, and
announced to the provider's webhook. Both steps are idempotent: invoicing a billed file
returns its invoice, paying a paid invoice does nothing.

Numbers: `F-<year>-<000123>`, one sequence per provider and year, allocated while the
provider's row is locked (`SELECT … FOR UPDATE`), so that two concurrent invoices of
one provider never share a number; the unique constraint is the backstop.

Amount: `files.paid_to_provider_cents` — the price × the completion rate, in integer
cents, rounded down to the cent (60 % of 1 234,56 € = 740,736 € → 740,73 €).
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from passeport.journal.actors import Actor, ActorKind
from passeport.journal.services import Event, log
from passeport.organisations.models import Organisation

from . import webhooks
from .enums import BillingState, FileState
from .files import FileError, paid_to_provider_cents
from .models import FileTransition, Invoice, TrainingFile

PAYMENT_DAYS = 30  # the Caisse des Dépôts pays within 30 days of the invoice
BATCH = 200
INVOICERS = {ActorKind.PROFESSIONAL, ActorKind.ORGANISATION}
PAYERS = {ActorKind.SYSTEM, ActorKind.OPERATOR}


def invoice_number(year: int, sequence: int) -> str:
    return f"F-{year}-{sequence:06d}"


def payment_reference(invoice: Invoice) -> str:
    """The transfer's reference (here made up from the invoice number, see the README)."""
    return f"VIR-{invoice.number}"


def _locked_file(file) -> TrainingFile:
    return (
        TrainingFile.objects.select_for_update()
        .select_related("provider", "session__action__training")
        .get(pk=file.pk)
    )


def _record(file, actor: Actor, action: str, detail: str, invoice: Invoice, from_billing: str):
    FileTransition.objects.create(
        file=file,
        from_state=file.state,
        to_state=file.state,
        actor_kind=actor.kind,
        actor_label=actor.label[:255],
        detail=detail[:500],
    )
    log(
        Event(
            actor,
            action,
            "catalog.TrainingFile",
            str(file.public_id),
            file.person_id,
            payload={
                "reference": file.reference,
                "invoice": invoice.number,
                "amount_cents": invoice.amount_cents,
                "from_billing": from_billing,
                "provider_siret": file.provider.siret,
            },
        )
    )
    webhooks.announce(file, file.state, invoice=invoice)


def _next_sequence(provider_id: int, year: int) -> int:
    # The lock serialises the provider's invoices: the next statement (a new snapshot in
    # PostgreSQL's READ COMMITTED) sees the number the previous transaction committed.
    Organisation.objects.select_for_update().filter(pk=provider_id).values("pk").get()
    last = Invoice.objects.filter(provider_id=provider_id, year=year).aggregate(m=Max("sequence"))
    return (last["m"] or 0) + 1


@transaction.atomic
def invoice(file, *, actor: Actor, now: datetime.datetime | None = None) -> Invoice:
    """The provider invoices a file « à facturer »; its invoice when it has one already."""
    if actor.kind not in INVOICERS:
        raise FileError("Seul l'organisme de formation facture ses dossiers.")
    file = _locked_file(file)
    existing = Invoice.objects.filter(file=file).first()
    if existing is not None:
        return existing
    if file.state != FileState.SERVICE_DONE_VALIDATED or file.billing != BillingState.TO_BILL:
        raise FileError(
            f"Le dossier {file.reference} n'est pas à facturer : la facture suit la "
            "validation du service fait."
        )
    amount = paid_to_provider_cents(file)
    if amount <= 0:
        raise FileError(
            f"Le dossier {file.reference} n'a rien à facturer (taux de réalisation de 0 %)."
        )
    now = now or timezone.now()
    issued_on = timezone.localtime(now).date()
    sequence = _next_sequence(file.provider_id, issued_on.year)
    made = Invoice.objects.create(
        file=file,
        provider_id=file.provider_id,
        year=issued_on.year,
        sequence=sequence,
        number=invoice_number(issued_on.year, sequence),
        price_cents=file.price_cents,
        completion_percent=file.completion_percent or 0,
        amount_cents=amount,
        issued_at=now,
        due_on=issued_on + datetime.timedelta(days=PAYMENT_DAYS),
    )
    file.billing = BillingState.BILLED
    file.save(update_fields=["billing"])
    _record(
        file, actor, "catalog.file_billed", f"Facturé ({made.number})", made, BillingState.TO_BILL
    )
    return made


@dataclasses.dataclass
class Outcome:
    invoiced: list[Invoice] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)


def invoice_many(queryset, *, actor: Actor, now=None) -> Outcome:
    """Several files at once (the portal's selection): one transaction per file, so that
    one refusal does not undo the others; the refusals in French."""
    outcome = Outcome()
    for file in queryset:
        try:
            outcome.invoiced.append(invoice(file, actor=actor, now=now))
        except FileError as error:
            outcome.errors.append(error.message)
    return outcome


@transaction.atomic
def pay(made: Invoice, *, actor: Actor, on: datetime.date, reference: str = "") -> Invoice:
    """The Caisse des Dépôts' payment of an invoice (the payment run, or an operator from
    the admin); nothing happens when it is paid already."""
    if actor.kind not in PAYERS:
        raise FileError("Seule la Caisse des Dépôts enregistre le paiement d'une facture.")
    file = _locked_file(made.file)
    made = Invoice.objects.select_for_update().get(pk=made.pk)
    if made.is_paid:
        return made
    if on < timezone.localtime(made.issued_at).date():
        raise FileError("Une facture n'est pas payée avant d'avoir été émise.")
    made.paid_on = on
    made.payment_reference = (reference or payment_reference(made))[:40]
    made.save(update_fields=["paid_on", "payment_reference"])
    file.billing = BillingState.PAID
    file.paid_on = on
    file.save(update_fields=["billing", "paid_on"])
    detail = f"Payé le {on:%d/%m/%Y} ({made.payment_reference})"
    _record(file, actor, "catalog.file_paid", detail, made, BillingState.BILLED)
    return made


@dataclasses.dataclass
class PaymentRun:
    paid: int = 0
    amount_cents: int = 0
    failed: int = 0


def pay_due(today: datetime.date, *, dry_run: bool = False, batch: int = BATCH) -> PaymentRun:
    """The payment run of `today`: every invoice issued by then and not paid yet is paid
    today, so at the latest on its due date when the run is daily. Idempotent."""
    actor = Actor.system("pay_due_invoices")
    run = PaymentRun()
    pending = Invoice.objects.filter(paid_on__isnull=True).order_by("due_on", "pk")
    issued_by = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    pending = pending.filter(issued_at__lte=issued_by)
    if dry_run:
        totals = list(pending.values_list("amount_cents", flat=True))
        return PaymentRun(paid=len(totals), amount_cents=sum(totals))
    last_pk = 0
    while True:
        rows = list(pending.filter(pk__gt=last_pk).order_by("pk")[:batch])
        if not rows:
            return run
        for row in rows:
            try:
                pay(row, actor=actor, on=today)
            except FileError:
                run.failed += 1
                continue
            run.paid += 1
            run.amount_cents += row.amount_cents
        last_pk = rows[-1].pk
