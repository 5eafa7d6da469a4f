"""The annual run: rights of year N from the DSN hours (`manage.py compute_cpf_rights`).

Streaming with flat memory: persons are taken by ranges of primary keys; for each range,
one transaction reads the year's hours summed by person and SIRET, the accounts (opening
the missing ones), locks them, reads their last movement and what year N already gave
them, decides, and appends the movements (COPY on PostgreSQL) with their journal entries.

Idempotent: the year's acquisition stores what produced it (hours, reference, situation);
running year N again with the same inputs writes nothing; other inputs (a corrected DSN,
a changed declaration) write one adjustment with the reason, never a second acquisition
(a partial unique constraint keeps one acquisition per account and year).
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone

from passeport.core.bulk import bulk_insert, field_in, new_instance
from passeport.ingest.dsn.models import DsnHoursWorked
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.journal.chain import encoded_digest
from passeport.people.models import Person
from passeport.records.enums import RecordStatus
from passeport.records.models import Certification

from . import rules
from .bulk import latest_balances
from .enums import MovementKind, MovementSource, Part
from .ledger import Balances, Entry, build_movement, movement_event
from .models import CpfAccount, Movement

ACTOR = Actor.system("compute_cpf_rights")
BATCH = 5_000
CENTI = Decimal("0.01")


@dataclass
class Report:
    year: int
    dry_run: bool = False
    reference_hours: str = str(rules.REFERENCE_HOURS)
    holders: int = 0
    accounts_opened: int = 0
    outcomes: Counter = field(default_factory=Counter)
    credited_cents: int = 0
    adjusted_cents: int = 0
    started_at: datetime.datetime = field(default_factory=timezone.now)
    finished_at: datetime.datetime | None = None

    LABELS = {
        "credited": "titulaires crédités du montant annuel",
        "pro_rata": "titulaires à moins d'un mi-temps (pro rata)",
        "at_ceiling": "titulaires au plafond (crédit réduit ou nul)",
        "nothing": "rien à créditer (aucune heure)",
        "adjusted": "régularisations (DSN ou situation corrigée)",
        "unchanged": "déjà calculés, inchangés",
    }

    def as_dict(self) -> dict:
        return {
            "annee": self.year,
            "simulation": self.dry_run,
            "duree_de_reference": self.reference_hours,
            "titulaires": self.holders,
            "comptes_ouverts": self.accounts_opened,
            "par_motif": {
                key: {"libelle": label, "nombre": self.outcomes.get(key, 0)}
                for key, label in self.LABELS.items()
            },
            "credite": rules.decimal_euros(self.credited_cents),
            "regularise": rules.decimal_euros(self.adjusted_cents),
            "debut": self.started_at.isoformat(),
            "fin": self.finished_at.isoformat() if self.finished_at else None,
        }

    def lines(self) -> list[str]:
        verb = "seraient" if self.dry_run else "sont"
        lines = [
            f"Droits {self.year} : {self.holders} titulaires avec des heures DSN "
            f"ou des droits déjà calculés ({self.accounts_opened} comptes {verb} ouverts).",
        ]
        lines += [f"  {label} : {self.outcomes.get(key, 0)}" for key, label in self.LABELS.items()]
        lines.append(
            f"  crédité : {rules.euros(self.credited_cents)} ; "
            f"régularisé : {rules.euros(self.adjusted_cents)}"
        )
        return lines


def compute_rights(
    year: int,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    actor: Actor = ACTOR,
    value_date: datetime.date | None = None,
) -> Report:
    """Rights of year `year` for every person with DSN hours that year (and adjustments
    for those whose earlier result no longer holds). `progress(done, total)` in persons'
    key range. `value_date`: the movements' date (today by default; the demo dates each
    year's rights in the spring of the next, as the real service credits them)."""
    rules.rates_for(year)  # refuses a year before euros
    report = Report(year, dry_run)
    bounds = Person.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        report.finished_at = timezone.now()
        return report
    low, high = bounds["low"], bounds["high"]
    start = low
    while start <= high:
        end = start + batch_size
        with transaction.atomic():
            _Batch(year, start, end, report, actor, value_date).run(dry_run)
            if dry_run:
                transaction.set_rollback(True)
        if progress:
            progress(min(end, high + 1) - low, high + 1 - low)
        start = end
    report.finished_at = timezone.now()
    return report


class _Batch:
    def __init__(self, year, start, end, report, actor, value_date=None):
        self.year, self.start, self.end, self.report, self.actor = year, start, end, report, actor
        self.value_date = value_date
        self.first_day = datetime.date(year, 1, 1)
        self.last_day = datetime.date(year, 12, 31)

    def run(self, dry_run: bool) -> None:
        hours = self._hours()
        accounts = self._accounts()
        previous = self._previous(accounts)
        persons = sorted(set(hours) | {pid for pid, acc in accounts.items() if acc[0] in previous})
        if not persons:
            return
        ids = [accounts[pid][0] for pid in persons if pid in accounts]
        latest = latest_balances(ids, lock=not dry_run)
        certified = self._certified(persons)
        decided = []
        for pid in persons:
            self.report.holders += 1
            account = accounts.get(pid)
            entry = self._decide(pid, account, hours.get(pid, {}), latest, previous, certified)
            if entry is not None:
                decided.append((pid, entry))
        # Accounts are opened only for the persons credited now (no empty account).
        missing = [pid for pid, _entry in decided if pid not in accounts]
        self.report.accounts_opened += len(missing)
        if dry_run or not decided:
            return
        accounts.update(self._open(missing))
        day = self.value_date or timezone.localdate()
        movements, texts, digests = [], [], []
        for pid, entry in decided:
            account_id = accounts[pid][0]
            after = latest.get(account_id, Balances()).apply(entry.part, entry.amount)
            movements.append(build_movement(account_id, entry, after, day))
            # Encoded once: stored as is, and its digest pinned by the journal.
            text, details_digest = encoded_digest(entry.details)
            texts.append(text)
            digests.append(details_digest)
        bulk_insert(Movement, movements, encoded={"details": texts})
        opened = set(missing)
        journal.append(
            movement_event(
                movement,
                accounts[pid][1],
                pid,
                self.actor,
                details_sha256=details_digest,
                account_opened=pid in opened,
            )
            for movement, (pid, _entry), details_digest in zip(
                movements, decided, digests, strict=True
            )
        )

    # --- reads ------------------------------------------------------------------------

    def _hours(self) -> dict[int, dict[str, Decimal]]:
        rows = (
            DsnHoursWorked.objects.filter(
                person_id__gte=self.start,
                person_id__lt=self.end,
                period_start__gte=self.first_day,
                period_start__lte=self.last_day,
            )
            .values_list("person_id", "siret")
            .annotate(total=Sum("hours"))
            .order_by()
        )
        found: dict[int, dict[str, Decimal]] = {}
        for person_id, siret, total in rows:
            # Two decimals on both backends (SQLite's SUM drops them).
            found.setdefault(person_id, {})[siret] = Decimal(total).quantize(CENTI)
        return found

    def _accounts(self) -> dict[int, tuple]:
        rows = CpfAccount.objects.filter(
            person_id__gte=self.start, person_id__lt=self.end
        ).values_list("person_id", "pk", "public_id", "low_qualified", "disability")
        return {row[0]: row[1:] for row in rows}

    def _previous(self, accounts) -> dict[int, dict]:
        """What year N already gave each account: credited so far, the last inputs, the
        acquisition's number."""
        if not accounts:
            return {}
        ids = [account[0] for account in accounts.values()]
        rows = (
            Movement.objects.filter(
                field_in(Movement, "account_id", ids),
                year=self.year,
                kind__in=[MovementKind.ACQUISITION, MovementKind.ADJUSTMENT],
            )
            .order_by("account_id", "seq")
            .values_list("account_id", "seq", "kind", "amount", "details")
        )
        previous: dict[int, dict] = {}
        for account_id, seq, kind, amount, details in rows:
            state = previous.setdefault(account_id, {"credited": 0, "acquisition_seq": None})
            state["credited"] += amount
            state["details"] = details
            if kind == MovementKind.ACQUISITION:
                state["acquisition_seq"] = seq
        return previous

    def _open(self, person_ids: list[int]) -> dict[int, tuple]:
        """Opens the accounts (their opening is journaled with their first movement)."""
        if not person_ids:
            return {}
        now = timezone.now()
        rows = [new_instance(CpfAccount, person_id=pid, opened_at=now) for pid in person_ids]
        bulk_insert(CpfAccount, rows)
        created = CpfAccount.objects.filter(field_in(CpfAccount, "person_id", person_ids))
        return {
            pid: (pk, public_id, False, False)
            for pid, pk, public_id in created.values_list("person_id", "pk", "public_id")
        }

    def _certified(self, person_ids: list[int]) -> set[int]:
        """Persons with a certification of level 3 or more known to the passport by the
        end of the year: not low-qualified whatever they declare."""
        rows = Certification.objects.filter(
            field_in(Certification, "person_id", person_ids),
            level__gte=3,
            status__in=[RecordStatus.ACTIVE, RecordStatus.EXPIRED],
            awarded_on__lte=self.last_day,
        ).values_list("person_id", flat=True)
        return set(rows)

    # --- decision -----------------------------------------------------------------------

    def _decide(self, pid, account, by_siret, latest, previous, certified) -> Entry | None:
        total = sum(by_siret.values(), Decimal("0.00"))
        low_qualified = bool(account and account[2]) and pid not in certified
        disability = bool(account and account[3])
        state = previous.get(account[0]) if account else None
        balance = latest.get(account[0], Balances()) if account else Balances()
        credited = state["credited"] if state else 0
        acquisition = rules.acquisition(
            self.year,
            total,
            low_qualified=low_qualified,
            disability=disability,
            balance_cents=balance.rights - credited,
        )
        details = _details(acquisition, by_siret)
        outcomes = self.report.outcomes
        if state is None:
            if total <= 0:
                outcomes["nothing"] += 1
                return None
            outcomes[_outcome(acquisition)] += 1
            self.report.credited_cents += acquisition.acquired_cents
            return Entry(
                kind=MovementKind.ACQUISITION,
                part=Part.RIGHTS,
                amount=acquisition.acquired_cents,
                source_kind=MovementSource.DSN,
                year=self.year,
                reference=f"DSN {self.year}",
                details=details,
            )
        before = state["details"]
        if _inputs(before) == _inputs(details):
            outcomes["unchanged"] += 1
            return None
        delta = acquisition.acquired_cents - credited
        # What was already spent is not taken back: at most the available rights.
        delta = max(delta, -(balance.rights - balance.rights_reserved))
        details["previous_hours"] = before.get("hours", "0")
        details["previous_situation"] = before.get("situation", "standard")
        details["credited_before_cents"] = credited
        outcomes["adjusted"] += 1
        self.report.adjusted_cents += delta
        return Entry(
            kind=MovementKind.ADJUSTMENT,
            part=Part.RIGHTS,
            amount=delta,
            source_kind=MovementSource.DSN,
            year=self.year,
            reference=f"DSN {self.year}",
            related_seq=state["acquisition_seq"],
            details=details,
            reason=_reason(before, details),
        )


def _details(acquisition: rules.Acquisition, by_siret: dict[str, Decimal]) -> dict:
    return {
        "hours": str(acquisition.hours),
        "reference_hours": str(acquisition.reference_hours),
        "situation": acquisition.situation,
        "annual_cents": acquisition.annual_cents,
        "ceiling_cents": acquisition.ceiling_cents,
        "gross_cents": acquisition.gross_cents,
        "pro_rata": acquisition.pro_rata,
        "balance_before_cents": acquisition.balance_before_cents,
        "employers": {siret: str(hours) for siret, hours in sorted(by_siret.items())},
    }


def _inputs(details: dict) -> tuple:
    return (
        Decimal(details.get("hours", "0")),
        Decimal(details.get("reference_hours", "0")),
        details.get("situation", "standard"),
    )


def _outcome(acquisition: rules.Acquisition) -> str:
    if acquisition.capped:
        return "at_ceiling"
    return "pro_rata" if acquisition.pro_rata else "credited"


def _reason(before: dict, after: dict) -> str:
    old, new = Decimal(before.get("hours", "0")), Decimal(after["hours"])
    parts = []
    if old != new:
        parts.append(
            f"DSN corrigée : {rules.worked_hours_text(new)} travaillées au lieu de "
            f"{rules.worked_hours_text(old)}"
        )
    if before.get("situation", "standard") != after["situation"]:
        parts.append(
            "situation modifiée : "
            + rules.SITUATION_LABELS[after["situation"]]
            + " au lieu de "
            + rules.SITUATION_LABELS[before.get("situation", "standard")]
        )
    if before.get("reference_hours") != after["reference_hours"]:
        parts.append("durée de référence modifiée")
    return " ; ".join(parts) or "régularisation"
