"""Credit orders (« dotations »): received by form, file or API, idempotent by the
funder's own order identifier; credited to the holders' accounts once the funder's
transfer is confirmed (an operator in the admin, or a bank statement import), through
the ledger's batch writer (`passeport.cpf.bulk.post_many`) only; what is unused of a
restricted credit past its date returns to the funder (décret 2025-341,
`return_unused_credits`)."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.core.digits import ascii_int
from passeport.cpf import bulk, ledger
from passeport.cpf.enums import MovementKind, MovementSource, Part
from passeport.cpf.rules import euros
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.siret import SiretError, validate_siren
from passeport.people.matching import MatchError, match_many_by_nir

from .enums import FIXED_AMOUNT_KINDS, CreditKind, LineStatus, OrderStatus, TargetDimension
from .lifecycle import TransitionError, has_approved_convention
from .models import ORDER_TRANSITIONS, CreditLine, CreditOrder, OrderRestriction, OrderTransition

MAX_LINES = 200_000
MAX_AMOUNT_CENTS = 10_000_000  # 100,000 € for one holder: beyond, a typing error
CONSONANTS, VOWELS = "BCDFGHJKLMNPQRSTVWXZ", "AEIOUY"
TRANSFER_REFERENCE = re.compile(
    rf"^CPF-([0-9]{{9}})-([{CONSONANTS}][{VOWELS}][{CONSONANTS}][{VOWELS}])-([0-9]{{6}})$",
    re.ASCII,
)
RESTRICTABLE = (
    TargetDimension.CERTIFICATION,
    TargetDimension.ROME,
    TargetDimension.FORMACODE,
    TargetDimension.PROVIDER,
)


class OrderError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


def check_transfer_reference(value: str, funder) -> str:
    """The transfer's label `CPF-SIREN-CVCV-JJMMAA`: the funder's own SIREN, a code of
    consonant-vowel-consonant-vowel, the date of the transfer."""
    cleaned = value.strip().upper()
    found = TRANSFER_REFERENCE.match(cleaned)
    if not found:
        raise OrderError(
            "Le libellé du virement suit le format CPF-SIREN-CVCV-JJMMAA "
            "(ex. CPF-130002785-BAFO-011226).",
            "transfer_reference",
        )
    siren, _code, day = found.groups()
    try:
        validate_siren(siren)
    except SiretError as error:
        raise OrderError(f"Libellé du virement : {error}", "transfer_reference") from error
    if siren != funder.siren:
        raise OrderError(
            "Le SIREN du libellé du virement n'est pas celui du financeur.", "transfer_reference"
        )
    try:
        datetime.date(2000 + int(day[4:]), int(day[2:4]), int(day[:2]))
    except ValueError as error:
        raise OrderError(
            "La date du libellé du virement (JJMMAA) n'existe pas.", "transfer_reference"
        ) from error
    return cleaned


@dataclass
class LineInput:
    number: int
    nir: str
    birth_name: str
    amount: str  # cents, as received (text: checked here)


@dataclass
class OrderInput:
    external_id: str
    kind: str
    transfer_reference: str
    lines: Sequence[LineInput]
    ends_on: datetime.date | None = None
    restrictions: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Rejection:
    number: int
    field: str
    message: str
    values: tuple[str, str, str]  # nir, birth name, amount: for the corrected file only

    def text(self) -> str:
        return f"Ligne {self.number}, {self.field} : {self.message}"


@dataclass
class OrderResult:
    order: CreditOrder | None
    created: bool
    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def _check_header(data: OrderInput, funder) -> tuple[str, dict[str, list[str]]]:
    external_id = data.external_id.strip()
    if not external_id or len(external_id) > 64:
        raise OrderError("L'identifiant de la commande (1 à 64 caractères) manque.", "external_id")
    if data.kind not in CreditKind.values:
        raise OrderError("Nature d'abondement inconnue.", "kind")
    reference = check_transfer_reference(data.transfer_reference, funder)
    restrictions = {}
    for dimension, codes in (data.restrictions or {}).items():
        if dimension not in RESTRICTABLE:
            raise OrderError(f"Critère de restriction inconnu : {dimension}.", "restrictions")
        cleaned = sorted({c.strip().upper() for c in codes if c.strip()})
        if any(len(code) > 20 for code in cleaned):
            raise OrderError("Un code de restriction compte au plus 20 caractères.", "restrictions")
        if cleaned:
            restrictions[dimension] = cleaned
    if len(data.lines) > MAX_LINES:
        raise OrderError(f"Une commande compte au plus {MAX_LINES} lignes.", "lines")
    return reference, restrictions


def _check_amount(line: LineInput, kind: str) -> int | str:
    cents = ascii_int(line.amount.strip())
    if cents is None or cents <= 0:
        return "montant en centimes attendu (nombre entier positif, ex. 300000 pour 3 000 €)"
    if cents > MAX_AMOUNT_CENTS:
        return f"montant supérieur à {euros(MAX_AMOUNT_CENTS)} pour un titulaire"
    fixed = FIXED_AMOUNT_KINDS.get(kind)
    if fixed is not None and cents != fixed:
        return f"cette nature d'abondement est de {euros(fixed)} par titulaire"
    return cents


def receive_order(funder, data: OrderInput, *, channel: str, actor: Actor) -> OrderResult:
    """Records an order and its accepted lines (rejected ones reported, line by line).
    The same external identifier again: the order already recorded, nothing added."""
    if not funder.is_funder:
        raise OrderError("Seul un financeur envoie des commandes d'abondement.")
    if not has_approved_convention(funder):
        raise OrderError("Votre convention avec la Caisse des Dépôts n'est pas approuvée.")
    existing = CreditOrder.objects.filter(funder=funder, external_id=data.external_id.strip())
    if existing.exists():
        return OrderResult(existing.get(), created=False)
    reference, restrictions = _check_header(data, funder)
    rejected: list[Rejection] = []
    checked: list[tuple[LineInput, int]] = []
    for line in data.lines:
        amount = _check_amount(line, data.kind)
        values = (line.nir, line.birth_name, line.amount)
        if isinstance(amount, str):
            rejected.append(Rejection(line.number, "montant", amount, values))
        elif not line.birth_name.strip():
            rejected.append(Rejection(line.number, "nom de naissance", "obligatoire", values))
        else:
            checked.append((line, amount))
    matches = match_many_by_nir([(line.nir, line.birth_name) for line, _ in checked])
    accepted, seen = [], set()
    for (line, amount), found in zip(checked, matches, strict=True):
        values = (line.nir, line.birth_name, line.amount)
        if isinstance(found, MatchError):
            column = "nom de naissance" if found.code == "birth_name_mismatch" else "NIR"
            rejected.append(Rejection(line.number, column, found.message, values))
        elif found.pk in seen:
            rejected.append(
                Rejection(line.number, "NIR", "ce titulaire figure déjà dans la commande", values)
            )
        else:
            seen.add(found.pk)
            accepted.append((line, found, amount))
    rejected.sort(key=lambda r: r.number)
    if not accepted:
        return OrderResult(None, created=False, rejected=rejected)
    try:
        with transaction.atomic():
            order = CreditOrder.objects.create(
                funder=funder,
                external_id=data.external_id.strip(),
                kind=data.kind,
                transfer_reference=reference,
                channel=channel,
                restricted=bool(restrictions),
                ends_on=data.ends_on,
                total_cents=sum(amount for _, _, amount in accepted),
                line_count=len(accepted),
            )
            OrderRestriction.objects.bulk_create(
                OrderRestriction(order=order, dimension=dimension, code=code)
                for dimension, codes in restrictions.items()
                for code in codes
            )
            CreditLine.objects.bulk_create(
                (
                    CreditLine(
                        order=order,
                        number=line.number,
                        person=person,
                        birth_name=line.birth_name.strip()[:80],
                        amount_cents=amount,
                    )
                    for line, person, amount in accepted
                ),
                batch_size=2000,
            )
            OrderTransition.objects.create(
                order=order, to_status=order.status, actor_label=actor.label[:255]
            )
            journal.log(
                journal.Event(
                    actor,
                    "funding.order_received",
                    "funding.CreditOrder",
                    str(order.public_id),
                    payload={"lines": len(accepted), "rejected": len(rejected)},
                    plain=True,
                )
            )
    except IntegrityError:  # the same order sent twice at once: the first one wins
        order = CreditOrder.objects.get(funder=funder, external_id=data.external_id.strip())
        return OrderResult(order, created=False)
    return OrderResult(order, created=True, accepted=len(accepted), rejected=rejected)


def _transition(order: CreditOrder, to_status: str, actor: Actor, note: str = "") -> None:
    if to_status not in ORDER_TRANSITIONS[order.status]:
        raise TransitionError(f"La commande est « {order.get_status_display()} ».")
    OrderTransition.objects.create(
        order=order,
        from_status=order.status,
        to_status=to_status,
        actor_label=actor.label[:255],
        note=note,
    )
    order.status = to_status


def movement_reference(order: CreditOrder) -> str:
    return f"abondement {order.public_id}"


# Above this many lines, an operator's confirmation credits in the background (a worker),
# not in the web request.
SYNC_LINES = 1_000
CHUNK = 500


def confirm_payment(order: CreditOrder, *, actor: Actor, note: str = "", now: bool = True) -> int:
    """The transfer is received: the order is credited and every pending line is credited
    to its holder's account, CHUNK lines per transaction (an interrupted run is taken up
    by `credit_pending_lines`). Idempotent: a credited line is never credited again.
    `now=False`: only the transition; the lines go to a worker after commit. Returns the
    lines credited here."""
    with transaction.atomic():
        order = CreditOrder.objects.select_for_update().select_related("funder").get(pk=order.pk)
        if order.status != OrderStatus.CREDITED:
            if not has_approved_convention(order.funder):
                raise TransitionError("La convention du financeur n'est pas (ou plus) approuvée.")
            _transition(order, OrderStatus.CREDITED, actor, note)
            order.credited_at = timezone.now()
            order.save(update_fields=["status", "credited_at"])
        if not now:
            from .tasks import credit_order

            transaction.on_commit(lambda: credit_order(order.pk), robust=True)
            return 0
    return credit_pending_lines(order, actor=actor)


def credit_pending_lines(order: CreditOrder, *, actor: Actor) -> int:
    """Credits the pending lines of a credited order, through the ledger's batch writer
    (`cpf.bulk.post_many`) only."""
    credited = 0
    while True:
        with transaction.atomic():
            lines = list(
                CreditLine.objects.select_for_update()
                .filter(order=order, order__status=OrderStatus.CREDITED, status=LineStatus.PENDING)
                .order_by("number")[:CHUNK]
            )
            if not lines:
                return credited
            # One insert and one journal append for the chunk (cpf.bulk: the accounts
            # locked in key order, each movement numbered from the last one).
            bulk.post_many(
                [
                    (
                        line.person_id,
                        ledger.Entry(
                            kind=MovementKind.FUNDER_CREDIT,
                            part=Part.FUNDER,
                            amount=line.amount_cents,
                            source_kind=MovementSource.FUNDER,
                            declarant=order.funder,
                            reference=movement_reference(order),
                            details={
                                "order": str(order.public_id),
                                "line": line.number,
                                "kind": order.kind,
                            },
                        ),
                    )
                    for line in lines
                ],
                actor=actor,
            )
            CreditLine.objects.filter(pk__in=[line.pk for line in lines]).update(
                status=LineStatus.CREDITED, credited_at=timezone.now()
            )
            credited += len(lines)


def resume_crediting(*, actor: Actor) -> int:
    """Credited orders with lines still pending (a worker stopped): taken up."""
    orders = CreditOrder.objects.filter(
        status=OrderStatus.CREDITED, lines__status=LineStatus.PENDING
    ).distinct()
    return sum(credit_pending_lines(order, actor=actor) for order in orders.order_by("pk"))


@transaction.atomic
def cancel_order(order: CreditOrder, *, actor: Actor, note: str) -> None:
    order = CreditOrder.objects.select_for_update().get(pk=order.pk)
    _transition(order, OrderStatus.CANCELLED, actor, note)
    order.save(update_fields=["status"])
