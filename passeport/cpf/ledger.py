"""The only writer of CPF ledgers: opening accounts, and appending movements.

Consistency under concurrency: `post` takes the account row with `SELECT … FOR UPDATE`
(SQLite's IMMEDIATE transactions already serialise writers), reads the last movement
under that lock, decides (a reservation that the available balance cannot cover is
refused with `InsufficientRights`), and appends movements numbered from the last one.
Two debits that together would overdraw are serialised: the second sees the first's
movement and is refused. Behind the lock, the database refuses what a writer that
skipped it could do: a second movement with the same number (unique account + seq) and
any negative balance (check constraints).

Spending order of the euro parts (`CPF_SPENDING_ORDER`, default funders' credits, then
the holder's own rights, then the Compte d'engagement citoyen): docs/architecture.md.

One module on purpose, though longer than the house's ~400 lines: every path that
changes a balance (post, credit, reserve, debit, release) takes the same lock in the
same way; kept together, that discipline is read and checked in one place.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from passeport.core.bulk import bulk_insert, new_instance
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.journal.chain import digest

from .enums import EURO_PARTS, MovementKind, MovementSource, Part
from .models import BALANCE_FIELDS, CpfAccount, Movement


class LedgerError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InsufficientRights(LedgerError):
    pass


DEFAULT_SPENDING_ORDER = (Part.FUNDER, Part.RIGHTS, Part.CEC)


def spending_order() -> tuple[str, ...]:
    order = tuple(getattr(settings, "CPF_SPENDING_ORDER", DEFAULT_SPENDING_ORDER))
    if sorted(order) != sorted(EURO_PARTS):
        raise LedgerError("CPF_SPENDING_ORDER nomme chacun des compartiments en euros une fois.")
    return order


@dataclass(frozen=True)
class Balances:
    """An account's running balances after its movement `seq` (0: no movement yet)."""

    rights: int = 0
    rights_reserved: int = 0
    cec: int = 0
    cec_reserved: int = 0
    funder: int = 0
    funder_reserved: int = 0
    hours: int = 0
    seq: int = 0

    @classmethod
    def from_row(cls, values: Sequence[int], seq: int) -> "Balances":
        """From the `BALANCE_FIELDS` values of a movement, in that order."""
        return cls(*values, seq=seq)

    @classmethod
    def of_movement(cls, movement: Movement | None) -> "Balances":
        if movement is None:
            return cls()
        return cls.from_row([getattr(movement, name) for name in BALANCE_FIELDS], movement.seq)

    def as_row(self) -> dict[str, int]:
        values = (
            self.rights,
            self.rights_reserved,
            self.cec,
            self.cec_reserved,
            self.funder,
            self.funder_reserved,
            self.hours,
        )
        return dict(zip(BALANCE_FIELDS, values, strict=True))

    def of(self, part: str) -> int:
        return getattr(self, part)

    def reserved_of(self, part: str) -> int:
        return 0 if part == Part.HOURS else getattr(self, f"{part}_reserved")

    def available_of(self, part: str) -> int:
        return self.of(part) - self.reserved_of(part)

    @property
    def euros(self) -> int:
        return self.rights + self.cec + self.funder

    @property
    def reserved(self) -> int:
        return self.rights_reserved + self.cec_reserved + self.funder_reserved

    @property
    def available(self) -> int:
        """What can be spent now (euros not reserved for a training file)."""
        return self.euros - self.reserved

    def apply(self, part: str, amount: int, reserved_change: int = 0) -> "Balances":
        """The balances after a change; refused when a balance would become negative or
        more would be reserved than held."""
        values = [
            self.rights,
            self.rights_reserved,
            self.cec,
            self.cec_reserved,
            self.funder,
            self.funder_reserved,
            self.hours,
        ]
        index = _PART_INDEX[part]
        held = values[index] + amount
        if part == Part.HOURS:
            if reserved_change:
                raise LedgerError("Les heures d'agent public ne se réservent pas.")
            reserved = 0
        else:
            reserved = values[index + 1] + reserved_change
            values[index + 1] = reserved
        if held < 0 or reserved < 0 or reserved > held:
            raise InsufficientRights(
                "Droits insuffisants : ce mouvement rendrait le solde négatif ou réserverait "
                "plus que le solde disponible."
            )
        values[index] = held
        return Balances(*values, seq=self.seq + 1)


# The position of each part's balance in `Balances` (its reserved amount follows it).
_PART_INDEX = {Part.RIGHTS: 0, Part.CEC: 2, Part.FUNDER: 4, Part.HOURS: 6}


@dataclass
class Entry:
    """A movement to append (its number and running balances are decided by `post`)."""

    kind: str
    part: str
    amount: int
    source_kind: str
    reserved_change: int = 0
    year: int | None = None
    activity: str = ""
    occurred_on: datetime.date | None = None
    declarant: object | None = None  # an Organisation
    reference: str = ""
    related_seq: int | None = None
    details: dict = field(default_factory=dict)
    reason: str = ""


# --- accounts -----------------------------------------------------------------------------


def account_of(person) -> CpfAccount | None:
    return CpfAccount.objects.filter(person=person).first()


@transaction.atomic
def open_account(person, *, actor: Actor, when: datetime.datetime | None = None) -> CpfAccount:
    """The person's account, opened (and journaled) if it does not exist yet."""
    account, created = CpfAccount.objects.get_or_create(
        person=person, defaults={"opened_at": when or timezone.now()}
    )
    if created:
        journal.log(
            journal.Event(
                actor, "cpf.account_opened", "cpf.CpfAccount", str(account.public_id), person.pk
            )
        )
    return account


def balances(account: CpfAccount) -> Balances:
    """The current balances (no lock: for display)."""
    return Balances.of_movement(account.movements.order_by("-seq").first())


def _locked(account: CpfAccount) -> Balances:
    CpfAccount.objects.select_for_update().filter(pk=account.pk).values_list("pk").first()
    return balances(account)


# --- appending --------------------------------------------------------------------------------


def build_movement(account_id: int, entry: Entry, after: Balances, day: datetime.date) -> Movement:
    return new_instance(
        Movement,
        account_id=account_id,
        seq=after.seq,
        kind=entry.kind,
        part=entry.part,
        amount=entry.amount,
        reserved_change=entry.reserved_change,
        **after.as_row(),
        year=entry.year,
        activity=entry.activity,
        occurred_on=entry.occurred_on or day,
        source_kind=entry.source_kind,
        declarant=entry.declarant,
        reference=entry.reference[:100],
        related_seq=entry.related_seq,
        details=entry.details,
        reason=entry.reason[:255],
    )


def movement_event(
    movement: Movement,
    account_public_id,
    person_id: int,
    actor: Actor,
    *,
    details_sha256: str | None = None,
    account_opened: bool = False,
):
    """The journal entry of a movement: its change and running balance, and a digest of
    its calculation details (texts and integers only: hashed without a copy). A movement
    that opened its account says so (the annual run journals no separate opening)."""
    payload = {
        "seq": movement.seq,
        "part": movement.part,
        "amount": movement.amount,
        "reserved_change": movement.reserved_change,
        "balance_after": movement.balance_of(movement.part),
        "year": movement.year,
        "reference": movement.reference,
        "details_sha256": details_sha256 or digest(movement.details),
    }
    if account_opened:
        payload["account_opened"] = True
    return journal.Event(
        actor=actor,
        action=f"cpf.{movement.kind}",
        object_type="cpf.CpfAccount",
        object_id=str(account_public_id),
        person_id=person_id,
        payload=payload,
        plain=True,
    )


def post(
    account: CpfAccount,
    entries: Iterable[Entry] | Callable[[Balances], Iterable[Entry]],
    *,
    actor: Actor,
) -> list[Movement]:
    """Appends `entries` (or what `entries(locked_balances)` decides) to the account, in
    one transaction, under the account's lock; journaled. All or nothing."""
    with transaction.atomic():
        current = _locked(account)
        planned = list(entries(current) if callable(entries) else entries)
        today = timezone.localdate()
        movements = []
        for entry in planned:
            current = current.apply(entry.part, entry.amount, entry.reserved_change)
            movements.append(build_movement(account.pk, entry, current, today))
        bulk_insert(Movement, movements)
        journal.append(
            movement_event(movement, account.public_id, account.person_id, actor)
            for movement in movements
        )
    return movements


def credit(
    account: CpfAccount,
    part: str,
    amount: int,
    *,
    kind: str,
    source_kind: str,
    actor: Actor,
    **fields,
) -> Movement:
    """A credit of `amount` to `part` (funder credits use this: kind FUNDER_CREDIT)."""
    if amount <= 0:
        raise LedgerError("Un crédit est un montant positif.")
    entry = Entry(kind=kind, part=part, amount=amount, source_kind=source_kind, **fields)
    return post(account, [entry], actor=actor)[0]


# --- reservations, debits, releases (training files, issue #14) ----------------------------


def open_reservation(account: CpfAccount, reference: str) -> dict[str, int]:
    """What is still reserved under `reference`, by part (reservations − debits − releases)."""
    reserved: dict[str, int] = {}
    rows = account.movements.filter(
        reference=reference,
        kind__in=[MovementKind.RESERVATION, MovementKind.DEBIT, MovementKind.RELEASE],
    ).values_list("part", "reserved_change")
    for part, change in rows:
        reserved[part] = reserved.get(part, 0) + change
    return {part: amount for part, amount in reserved.items() if amount}


def _allocate(amount: int, available: dict[str, int]) -> list[tuple[str, int]]:
    taken = []
    for part in spending_order():
        share = min(amount, available.get(part, 0))
        if share > 0:
            taken.append((part, share))
            amount -= share
    if amount:
        raise InsufficientRights("Droits insuffisants pour ce montant.")
    return taken


def reserve(
    account: CpfAccount, amount: int, *, reference: str, actor: Actor, reason: str = ""
) -> list[Movement]:
    """Reserves `amount` cents for the training file `reference`, from the parts in the
    spending order; refused when the available euros do not cover it."""
    if amount <= 0:
        raise LedgerError("Une réservation est un montant positif.")
    if not reference:
        raise LedgerError("Une réservation nomme son dossier de formation.")

    def plan(current: Balances) -> list[Entry]:
        if open_reservation(account, reference):
            raise LedgerError(f"Le dossier {reference} a déjà une réservation en cours.")
        if current.available < amount:
            raise InsufficientRights(
                f"Droits insuffisants : {_euros(current.available)} disponibles, "
                f"{_euros(amount)} demandés."
            )
        available = {part: current.available_of(part) for part in EURO_PARTS}
        return [
            Entry(
                kind=MovementKind.RESERVATION,
                part=part,
                amount=0,
                reserved_change=share,
                source_kind=MovementSource.TRAINING_FILE,
                reference=reference,
                reason=reason,
            )
            for part, share in _allocate(amount, available)
        ]

    return post(account, plan, actor=actor)


def _reservation_seq(account: CpfAccount, reference: str) -> int | None:
    return (
        account.movements.filter(reference=reference, kind=MovementKind.RESERVATION)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )


def debit(
    account: CpfAccount,
    *,
    reference: str,
    actor: Actor,
    amount: int | None = None,
    reason: str = "",
) -> list[Movement]:
    """At entry into training: debits `amount` (all of it by default) of what is reserved
    for `reference`; what remains reserved stays so until `release`."""

    def plan(current: Balances) -> list[Entry]:
        held = open_reservation(account, reference)
        total = sum(held.values())
        if not total:
            raise LedgerError(f"Aucune réservation en cours pour le dossier {reference}.")
        wanted = total if amount is None else amount
        if wanted <= 0 or wanted > total:
            raise LedgerError(
                f"Le débit ({_euros(wanted)}) dépasse la réservation ({_euros(total)})."
            )
        related = _reservation_seq(account, reference)
        return [
            Entry(
                kind=MovementKind.DEBIT,
                part=part,
                amount=-share,
                reserved_change=-share,
                source_kind=MovementSource.TRAINING_FILE,
                reference=reference,
                related_seq=related,
                reason=reason,
            )
            for part, share in _allocate(wanted, held)
        ]

    return post(account, plan, actor=actor)


def release(
    account: CpfAccount, *, reference: str, actor: Actor, reason: str = ""
) -> list[Movement]:
    """On cancellation: what is still reserved for `reference` becomes available again.
    Nothing reserved: nothing to do (idempotent)."""

    def plan(current: Balances) -> list[Entry]:
        related = _reservation_seq(account, reference)
        return [
            Entry(
                kind=MovementKind.RELEASE,
                part=part,
                amount=0,
                reserved_change=-share,
                source_kind=MovementSource.TRAINING_FILE,
                reference=reference,
                related_seq=related,
                reason=reason,
            )
            for part, share in open_reservation(account, reference).items()
        ]

    return post(account, plan, actor=actor)


def recredit(
    account: CpfAccount, *, reference: str, percent_done: int, actor: Actor, reason: str = ""
) -> list[Movement]:
    """After a training done in part: what was debited for `reference` beyond
    `percent_done` % goes back to the part it came from (rounded in the holder's favour:
    the share kept is rounded down). Once per file: nothing when already re-credited, when
    nothing was debited, or at 100 %."""

    def plan(current: Balances) -> list[Entry]:
        movements = account.movements.filter(reference=reference)
        if movements.filter(kind=MovementKind.RECREDIT).exists():
            return []
        debited: dict[str, int] = {}
        for part, amount in movements.filter(kind=MovementKind.DEBIT).values_list("part", "amount"):
            debited[part] = debited.get(part, 0) - amount
        related = _reservation_seq(account, reference)
        entries = []
        for part, total in debited.items():
            back = total - total * percent_done // 100
            if back > 0:
                entries.append(
                    Entry(
                        kind=MovementKind.RECREDIT,
                        part=part,
                        amount=back,
                        source_kind=MovementSource.TRAINING_FILE,
                        reference=reference,
                        related_seq=related,
                        details={"percent_done": percent_done, "debited": total},
                        reason=reason,
                    )
                )
        return entries

    if not 0 <= percent_done <= 100:
        raise LedgerError("Le taux de réalisation est compris entre 0 et 100 %.")
    return post(account, plan, actor=actor)


def _euros(cents: int) -> str:
    from .rules import euros

    return euros(cents)


# --- verification -------------------------------------------------------------------------


def verify_account(account: CpfAccount) -> list[str]:
    """Problems found by replaying the account's movements (empty: the running balances
    are exactly the sums of the changes, numbered 1, 2, 3…)."""
    problems = []
    current = Balances()
    for movement in account.movements.order_by("seq").iterator(chunk_size=2000):
        if movement.seq != current.seq + 1:
            problems.append(f"mouvement n° {movement.seq} : attendu n° {current.seq + 1}")
        try:
            expected = current.apply(movement.part, movement.amount, movement.reserved_change)
        except LedgerError as error:
            problems.append(f"mouvement n° {movement.seq} : {error.message}")
            expected = current
        found = Balances.of_movement(movement)
        if replace(expected, seq=movement.seq) != found:
            problems.append(f"mouvement n° {movement.seq} : soldes différents de la somme")
        current = found
    return problems
