"""From a DSN file to employment periods: match each individual to a person, then create,
revise or leave unchanged the period of each contract. Idempotent.

- A contract is identified by the establishment's SIRET, the person and the contract
  number. The same file twice changes nothing; a later file changes a period only where a
  value changed (an end date from S21.G00.62, a new job title…), through
  `records.services.revise`: a new version, the old one superseded, both journaled.
- Each declaration is all or nothing (`transaction.atomic`): a declaration with a
  structural or format violation keeps nothing, and the run goes on with the next one.
- An individual is attached only if the NIR agrees with the declared birth data and the
  birth name: otherwise it is reported (masked NIR, line, reason), never guessed. One with
  only a temporary number (NTT) is reported and skipped.
- Work is batched: persons looked up by NIR hash in one query per batch, existing periods
  in one query, new periods written with `records.services.store_many`.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from passeport.core.bulk import bulk_insert, field_in, new_instance, uuid4
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.people.crypto import nir_lookup_hash
from passeport.people.matching import MatchError, match_by_nir, name_key
from passeport.people.models import Person
from passeport.people.nir import NirError, format_nir, validate_nir13
from passeport.records import services as records
from passeport.records.enums import RecordStatus, SourceKind
from passeport.records.models import EmploymentPeriod

from . import dictionary as dsn_dictionary
from .models import DepositStatus, DsnDeposit, DsnHoursWorked
from .reader import SUPPORTED_NATURES, Contract, Declaration, DsnReader, Individual

ACTOR = Actor.system("ingest_dsn")
# Individuals per group (and per write of a larger declaration): 5,000 rather than 1,000
# cut a tenth of the round trips' cost (measured: 5,250 → 5,570 individuals/s on 50,000);
# a group is a few megabytes in memory.
BATCH_SIZE = 5000
SEX_DIGIT = {"01": "1", "02": "2"}
# NIR rules (people.nir codes) and the DSN control each one is.
NIR_CONTROLS = {
    "department_era": "S21.G00.30.001/CCH-11",
    "filler": "S21.G00.30.001/CCH-13",
    "trailing_nines": "S21.G00.30.001/CCH-16",
    "birth_year": "S21.G00.30.006/CCH-11",
}
# Fields a later declaration may change, with the label used in the revision reason.
REVISABLE = {
    "contract_nature": "nature du contrat",
    "job_title": "emploi",
    "pcs_ese": "PCS-ESE",
    "working_time_quotity": "quotité de travail",
    "reference_quotity": "quotité de référence",
    "start_date": "date de début",
    "end_date": "date de fin",
    "end_reason": "motif de fin",
}
_NAF = re.compile(r"^(\d\d)(\d\d[A-Z])$")
UNKNOWN_JOB = "Emploi non précisé"


@dataclass
class DeclarationOutcome:
    declaration: Declaration
    status: str = "intégrée"  # intégrée / rejetée / ignorée
    reason: str = ""
    individuals: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    hours_created: int = 0
    hours_updated: int = 0
    hours_unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        declaration = self.declaration
        kept = self.status == "intégrée"
        return {
            "numero": declaration.index,
            "ligne": declaration.line,
            "norme": declaration.norm_version,
            "nature": declaration.nature,
            "mois": declaration.month.isoformat()[:7] if declaration.month else "",
            "siret": declaration.siret,
            "statut": self.status,
            "motif": self.reason,
            "individus": self.individuals,
            "periodes": {
                "creees": self.created,
                "mises_a_jour": self.updated,
                "inchangees": self.unchanged,
            },
            "heures": {
                "creees": self.hours_created,
                "mises_a_jour": self.hours_updated,
                "inchangees": self.hours_unchanged,
            },
            "individus_rejetes": self.rejected if kept else [],
            "anomalies": [v.as_dict() for v in declaration.violations],
            "anomalies_total": declaration.violation_count,
        }


@dataclass
class FileResult:
    deposit: DsnDeposit
    outcomes: list[DeclarationOutcome]
    report: dict


class _Rejected(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest_file(
    path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> FileResult:
    """Reads, checks and loads one DSN file; returns the deposit and its report."""
    path = Path(path)
    received_at = timezone.now()
    sha256 = sha256_of(path)
    previous = (
        DsnDeposit.objects.filter(sha256=sha256)
        .exclude(status=DepositStatus.PROCESSING)
        .order_by("received_at")
        .first()
    )
    deposit = DsnDeposit.objects.create(
        file_name=path.name[:255],
        sha256=sha256,
        size=path.stat().st_size,
        received_at=received_at,
        duplicate_of=previous,
    )
    reader = DsnReader(path, dictionary=dsn_dictionary.load())
    loader = _Loader(deposit, path.name, received_at, batch_size)
    outcomes = []
    for declaration in reader.declarations():
        outcomes.append(loader.declaration(declaration))
        if progress is not None:
            progress(reader.bytes_read)
    loader.flush()
    if progress is not None:
        progress(reader.bytes_read)
    report = _report(deposit, reader, outcomes, previous)
    kept = [o for o in outcomes if o.status == "intégrée"]
    rejected = [o for o in outcomes if o.status == "rejetée"]
    if not outcomes or (rejected and not kept):
        deposit.status = DepositStatus.REJECTED
    elif rejected or reader.file_violations:
        deposit.status = DepositStatus.PARTIAL
    else:
        deposit.status = DepositStatus.PROCESSED
    deposit.encoding = reader.encoding
    deposit.finished_at = timezone.now()
    totals = report["totaux"]
    deposit.declarations = len(outcomes)
    deposit.individuals = totals["individus"]
    deposit.periods_created = totals["periodes_creees"]
    deposit.periods_updated = totals["periodes_mises_a_jour"]
    deposit.periods_unchanged = totals["periodes_inchangees"]
    deposit.individuals_rejected = totals["individus_rejetes"]
    deposit.report = report
    deposit.save()
    return FileResult(deposit, outcomes, report)


class _Pending:
    """A declaration read whole and without violation, waiting to be written with others."""

    __slots__ = ("declaration", "individuals", "outcome")

    def __init__(self, declaration, outcome, individuals):
        self.declaration = declaration
        self.outcome = outcome
        self.individuals = individuals


class _Current:
    """What the loader needs of a period already in the database (read as one tuple)."""

    __slots__ = (
        "contract_nature",
        "employer_id",
        "end_date",
        "end_reason",
        "job_title",
        "lineage",
        "pcs_ese",
        "pk",
        "reference_quotity",
        "start_date",
        "working_time_quotity",
    )

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


class _Loader:
    """Writes declarations in groups: the small ones (up to `batch_size` individuals) are
    read whole first, so that their violations are known before anything is written, then
    several of them are written together in one transaction (one person query, one period
    query, one insert per table, one journal append). A declaration that does not fit in a
    group is written as it streams, in a transaction of its own. A group that fails is
    written again one declaration per transaction, so that each stays all or nothing."""

    def __init__(self, deposit: DsnDeposit, file_name: str, received_at, batch_size: int):
        self.deposit = deposit
        self.file_name = file_name
        self.received_at = received_at
        self.batch_size = batch_size
        self._employers: dict[str, Organisation] = {}  # per file; cleared on rollback
        self._pending: list[_Pending] = []
        self._pending_individuals = 0

    def declaration(self, declaration: Declaration) -> DeclarationOutcome:
        """The declaration's outcome; filled in when its group is written (`flush`)."""
        outcome = DeclarationOutcome(declaration)
        if not declaration.supported:
            outcome.individuals = sum(1 for _ in declaration.individuals())
            outcome.status = "ignorée"
            label = declaration_label(declaration)
            outcome.reason = (
                f"Nature {declaration.nature or '?'} ({label}) non traitée : seules les natures "
                f"{', '.join(SUPPORTED_NATURES)} alimentent les périodes d'emploi."
            )
            return outcome
        individuals = declaration.individuals()
        first = list(itertools.islice(individuals, self.batch_size + 1))
        if len(first) <= self.batch_size:
            # Read whole: its violations, if any, are all known.
            outcome.individuals = len(first)
            if declaration.violation_count:
                _reject(outcome)
                return outcome
            self._pending.append(_Pending(declaration, outcome, first))
            self._pending_individuals += len(first)
            if self._pending_individuals >= self.batch_size:
                self.flush()
            return outcome
        self.flush()  # keep the file's order in the journal
        try:
            with transaction.atomic():
                self._stream(declaration, outcome, first, individuals)
                if declaration.violation_count:
                    raise _Rejected
        except _Rejected:
            self._employers.clear()
            _reject(outcome)
        except BaseException:
            self._employers.clear()
            raise
        return outcome

    def flush(self) -> None:
        """Writes the declarations waiting, together; one by one if that fails."""
        pending, self._pending, self._pending_individuals = self._pending, [], 0
        if not pending:
            return
        try:
            with transaction.atomic():
                self._write(pending)
            return
        except Exception:
            if len(pending) == 1:
                self._employers.clear()
                raise
        # Again, one declaration per transaction: those before the failing one are kept,
        # the failing one keeps nothing and its error goes up, as when written alone.
        self._employers.clear()
        for item in pending:
            _reset(item.outcome)
        for item in pending:
            try:
                with transaction.atomic():
                    self._write([item])
            except Exception:
                self._employers.clear()
                raise

    def _stream(self, declaration, outcome, first, individuals) -> None:
        """A large declaration, written batch by batch inside the caller's transaction."""
        batch = first
        while batch:
            outcome.individuals += len(batch)
            if declaration.violation_count:
                # A violation rejects the declaration: read on, write nothing more.
                outcome.individuals += sum(1 for _ in individuals)
                raise _Rejected
            self._write([_Pending(declaration, outcome, batch)], log=False)
            batch = list(itertools.islice(individuals, self.batch_size))
        if declaration.violation_count:
            raise _Rejected
        self._log([outcome])

    # --- writing a group -----------------------------------------------------------------

    def _write(self, items: list[_Pending], *, log: bool = True) -> None:
        self._fetch_employers({item.declaration.siret for item in items} - {""})
        # Identities, then one query for the persons of the whole group.
        checked: list[tuple[_Pending, list[tuple[str, Individual]]]] = []
        for item in items:
            kept = []
            for individual in item.individuals:
                problem = self._check_identity(individual)
                if problem:
                    item.outcome.rejected.append(problem)
                else:
                    kept.append((nir_lookup_hash(individual.nir), individual))
            checked.append((item, kept))
        wanted = {nir_hash for _item, kept in checked for nir_hash, _ in kept}
        persons = {}
        for chunk in _chunks(list(wanted), 5000):
            for row in Person.objects.filter(field_in(Person, "nir_hash", chunk)).values_list(
                "nir_hash", "pk", "birth_name_key"
            ):
                persons[row[0]] = row
        matched_by_item = []
        person_pks = set()
        for item, kept in checked:
            matched: list[tuple[int, Individual]] = []
            for nir_hash, individual in kept:
                row = persons.get(nir_hash)
                if row is None or row[2] != name_key(individual.birth_name):
                    # The slow path, for its precise reason (unknown NIR, other birth name).
                    try:
                        person = match_by_nir(individual.nir, individual.birth_name)
                    except MatchError as error:
                        item.outcome.rejected.append(
                            _rejection(individual, error.code, error.message)
                        )
                        continue
                    matched.append((person.pk, individual))
                else:
                    matched.append((row[1], individual))
            if item.declaration.siret:
                person_pks.update(pk for pk, _ in matched)
            matched_by_item.append((item, matched))
        existing = self._existing(person_pks)
        group = _Group()
        hours_by_item = []
        for item, matched in matched_by_item:
            declaration = item.declaration
            if not declaration.siret:
                continue
            employer = self._employer(declaration)
            if matched:
                hours_by_key = self._periods(item, matched, employer, existing, group)
                if hours_by_key:
                    hours_by_item.append((item.outcome, hours_by_key))
        if hours_by_item:
            # Hours last, in the file's order: one query for those already stored.
            hours_existing = self._existing_hours(
                {key[0] for _o, by_key in hours_by_item for key in by_key} - group.new_lineages
            )
            for outcome, hours_by_key in hours_by_item:
                self._hours(hours_by_key, outcome, hours_existing, group)
        group.write()
        if log:
            self._log([item.outcome for item in items])

    def _periods(self, item, matched, employer, existing, group) -> dict:
        declaration, outcome = item.declaration, item.outcome
        siret = declaration.siret
        hours_by_key: dict[tuple, list] = {}
        provenance = None
        new_period = _PeriodBuilder()
        for person_pk, individual in matched:
            for contract in individual.contracts:
                if not contract.number or contract.start_date is None:
                    continue
                values = self._values(contract, employer)
                key = (siret, person_pk, contract.number)
                current = existing.get(key)
                reference = f"{self.file_name}:ligne {contract.line}"
                if provenance is None or provenance.reference != reference:
                    provenance = records.Provenance(
                        SourceKind.DSN, self.received_at, employer, reference
                    )
                if current is None:
                    period = new_period(provenance, values, person_pk)
                    group.periods.append(period)
                    group.created_by[id(period)] = outcome
                    group.new_lineages.add(period.lineage)
                    existing[key] = period
                    outcome.created += 1
                    lineage = period.lineage
                else:
                    changes = _changes(current, values)
                    if changes:
                        labels = ", ".join(REVISABLE.get(name, name) for name in changes)
                        if current.pk is None and group.created_by.get(id(current)) is outcome:
                            # Created earlier in this very declaration.
                            for name, value in changes.items():
                                setattr(current, name, value)
                        else:
                            if current.pk is None:
                                # Created by an earlier declaration of the group: written
                                # first, so that this one revises it as if alone.
                                group.write()
                                current.pk = EmploymentPeriod.objects.values_list(
                                    "pk", flat=True
                                ).get(public_id=current.public_id)
                            revised = records.revise(
                                EmploymentPeriod(pk=current.pk),
                                actor=ACTOR,
                                reason=f"DSN {self.file_name} : {labels} mis à jour"[:255],
                                provenance=provenance,
                                **changes,
                            )
                            existing[key] = revised
                            outcome.updated += 1
                    else:
                        outcome.unchanged += 1
                    lineage = current.lineage
                self._collect_hours(
                    hours_by_key, lineage, person_pk, declaration, individual, contract
                )
        return hours_by_key

    def _log(self, outcomes: list[DeclarationOutcome]) -> None:
        events = [
            journal.Event(
                ACTOR,
                "dsn.declaration.loaded",
                "ingest.DsnDeposit",
                str(self.deposit.public_id),
                payload={
                    "declaration": outcome.declaration.index,
                    "siret": outcome.declaration.siret,
                    "periods_created": outcome.created,
                    "periods_updated": outcome.updated,
                    "hours_created": outcome.hours_created,
                    "hours_updated": outcome.hours_updated,
                },
            )
            for outcome in outcomes
            if outcome.created or outcome.hours_created or outcome.hours_updated
        ]
        if events:
            journal.append(events)

    # --- the establishment ---------------------------------------------------------------

    def _fetch_employers(self, sirets: set[str]) -> None:
        missing = [siret for siret in sirets if siret not in self._employers]
        for chunk in _chunks(missing, 2000):
            for organisation in Organisation.objects.filter(siret__in=chunk):
                self._employers[organisation.siret] = organisation

    def _employer(self, declaration: Declaration) -> Organisation:
        siret = declaration.siret
        organisation = self._employers.get(siret)
        if organisation is None:
            organisation = Organisation.objects.filter(siret=siret).first()
        if organisation is None:
            # The DSN carries no establishment name (S21.G00.06 / .11 have none in
            # P24V01–P26V01): the emitter's name when it is the company itself.
            name = ""
            if declaration.emitter_siren == declaration.siren:
                name = declaration.emitter_name
            organisation = Organisation(
                siret=siret,
                name=(name or f"Établissement {siret}")[:255],
                naf_code=naf_with_dot(declaration.establishment_naf or declaration.naf),
                is_employer=True,
            )
            organisation.save()
        elif not organisation.is_employer:
            organisation.is_employer = True
            organisation.save(update_fields=["is_employer"])
        self._employers[siret] = organisation
        return organisation

    def _check_identity(self, individual: Individual) -> dict | None:
        if not individual.nir:
            return _rejection(
                individual,
                "temporary_number_only",
                "Individu déclaré sans NIR (numéro technique temporaire seulement) : il ne "
                "peut être rattaché à aucun titulaire.",
            )
        try:
            validate_nir13(
                individual.nir,
                birth_year=individual.birth_year,
                birth_month=individual.birth_month,
                sex=SEX_DIGIT.get(individual.sex),
            )
        except NirError as error:
            control = NIR_CONTROLS.get(error.code, "")
            return _rejection(individual, f"nir_{error.code}", error.message, control)
        return None

    def _existing(self, person_pks: set[int]) -> dict:
        """The periods in force of these persons from the DSN, by (SIRET, person, contract
        number); a later version wins."""
        found = {}
        # By person only: the (person, status) index answers it; a person has few periods,
        # and there is no index on SIRET to scan for.
        for chunk in _chunks(sorted(person_pks), 5000):
            rows = (
                EmploymentPeriod.objects.filter(
                    field_in(EmploymentPeriod, "person", chunk),
                    status__in=[RecordStatus.ACTIVE, RecordStatus.EXPIRED],
                    source_kind=SourceKind.DSN,
                )
                .order_by("version")
                .values_list("siret", "person_id", "contract_number", *_Current.__slots__)
            )
            for siret, person_id, number, *values in rows:
                found[(siret, person_id, number)] = _Current(*values)
        return found

    def _values(self, contract: Contract, employer: Organisation) -> dict:
        return {
            "employer": employer,
            "employer_name": employer.name,
            "siret": employer.siret,
            "contract_number": contract.number,
            "contract_nature": contract.nature,
            "job_title": (contract.job_title or UNKNOWN_JOB)[:255],
            "pcs_ese": contract.pcs_ese[:4],
            "working_time_quotity": contract.working_time_quotity,
            "reference_quotity": contract.reference_quotity,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "end_reason": contract.end_reason,
        }

    # --- hours ---------------------------------------------------------------------------

    def _collect_hours(self, into, lineage, person_pk, declaration, individual, contract):
        if not individual.hours:
            return
        single = len(individual.contracts) == 1
        for hours in individual.hours:
            if hours.period_start is None or hours.period_end is None:
                continue
            if hours.contract_number != contract.number and not (
                single and not hours.contract_number
            ):
                continue
            key = (lineage, hours.period_start, hours.period_end)
            entry = into.get(key)
            if entry is None:
                entry = into[key] = [
                    Decimal(0),
                    person_pk,
                    declaration.siret,
                    contract.number,
                    f"{self.file_name}:ligne {hours.line}",
                ]
            entry[0] += hours.hours

    def _existing_hours(self, lineages: set) -> dict:
        """The hours already stored for these lineages (of periods found in the database:
        a period created by this group has none)."""
        found = {}
        for chunk in _chunks(sorted(lineages), 5000):
            for pk, lineage, start, end, hours in DsnHoursWorked.objects.filter(
                field_in(DsnHoursWorked, "lineage", chunk)
            ).values_list("pk", "lineage", "period_start", "period_end", "hours"):
                found[(lineage, start, end)] = [pk, hours, None]
        return found

    def _hours(self, hours_by_key: dict, outcome, existing: dict, group) -> None:
        now = group.now
        for key, (hours, person_pk, siret, number, reference) in hours_by_key.items():
            row = existing.get(key)
            if row is None:
                new = _new_hours(
                    {
                        "id": None,
                        "lineage": key[0],
                        "person_id": person_pk,
                        "siret": siret,
                        "contract_number": number,
                        "period_start": key[1],
                        "period_end": key[2],
                        "hours": hours,
                        "deposit_id": self.deposit.pk,
                        "source_reference": reference[:255],
                        "updated_at": now,
                    }
                )
                group.hours.append(new)
                existing[key] = [None, hours, new]
                outcome.hours_created += 1
            elif row[1] != hours:
                row[1] = hours
                if row[0] is None:  # created by this group: not written yet
                    unsaved = row[2]
                    unsaved.hours, unsaved.source_reference = hours, reference[:255]
                else:
                    group.changed_hours[row[0]] = DsnHoursWorked(
                        pk=row[0],
                        hours=hours,
                        deposit_id=self.deposit.pk,
                        source_reference=reference,
                        updated_at=now,
                    )
                outcome.hours_updated += 1
            else:
                outcome.hours_unchanged += 1


class _Group:
    """The rows a group of declarations writes, one insert per table."""

    def __init__(self):
        self.now = timezone.now()
        self.periods: list[EmploymentPeriod] = []
        self.created_by: dict[int, DeclarationOutcome] = {}
        self.new_lineages: set = set()
        self.hours: list[DsnHoursWorked] = []
        self.changed_hours: dict[int, DsnHoursWorked] = {}

    def write(self) -> None:
        if self.periods:
            records.store_many(self.periods, actor=ACTOR)
            self.periods = []
        if self.hours:
            bulk_insert(DsnHoursWorked, self.hours)
            self.hours = []
        if self.changed_hours:
            DsnHoursWorked.objects.bulk_update(
                list(self.changed_hours.values()),
                ["hours", "deposit", "source_reference", "updated_at"],
            )
            self.changed_hours = {}


_HOURS_ATTNAMES = frozenset(field.attname for field in DsnHoursWorked._meta.concrete_fields)


def _new_hours(values: dict) -> DsnHoursWorked:
    """An unsaved row built without `Model.__init__` (its cost shows on 100,000 rows):
    every concrete field is given, as `__init__` would set it."""
    assert values.keys() == _HOURS_ATTNAMES
    row = DsnHoursWorked.__new__(DsnHoursWorked)
    row.__dict__.update(values)
    row._state = ModelState()
    return row


def _new_period(provenance, values: dict, person_pk: int) -> EmploymentPeriod:
    """`records.build_record(EmploymentPeriod, None, provenance, **values)` then
    `person_id = person_pk`, built with `new_instance` (`Model.__init__` shows on 100,000
    rows); `tests/ingest/dsn/test_loader_fast_paths.py` compares the two."""
    period = new_instance(
        EmploymentPeriod,
        person=None,
        source_kind=provenance.source_kind,
        declarant=provenance.declarant,
        received_at=provenance.received_at,
        source_reference=provenance.reference[:255],
        assurance=provenance.assurance,
        **values,
    )
    period.person_id = person_pk
    return period


class _PeriodBuilder:
    """`_new_period`, faster for the rows of one declaration: the first row is built by
    `_new_period`; the next ones copy its attributes and model state (related-object
    cache), then set their own values and fresh callable defaults (the uuid4s), as long
    as they are given the same names and the same related objects (employer, declarant)
    as the first; otherwise `_new_period` again. Copying a dict costs a fraction of
    `new_instance`'s per-field dispatch and descriptor calls, which showed in profiles on
    100,000 rows (`test_loader_fast_paths.py` compares the rows with `build_record`'s)."""

    __slots__ = ("_attributes", "_declarant", "_names", "_plain", "_related", "_state")

    def __init__(self):
        self._names = None

    def __call__(self, provenance, values: dict, person_pk: int) -> EmploymentPeriod:
        if (
            self._names is None
            or values.keys() != self._names
            or provenance.declarant is not self._declarant
            or any(values[name] is not value for name, value in self._related)
        ):
            return self._first(provenance, values, person_pk)
        attributes = self._attributes.copy()
        # What `build_record` gives from the provenance, as `_new_period` cuts it.
        attributes["source_kind"] = provenance.source_kind
        attributes["received_at"] = provenance.received_at
        attributes["source_reference"] = provenance.reference[:255]
        attributes["assurance"] = provenance.assurance
        for name in self._plain:
            attributes[name] = values[name]
        attributes["person_id"] = person_pk
        for attname, make_default in _PERIOD_FRESH_DEFAULTS:
            attributes[attname] = make_default()
        period = EmploymentPeriod.__new__(EmploymentPeriod)
        state = period._state = ModelState()
        state.__dict__.update(self._state)
        if "fields_cache" in self._state:
            state.fields_cache = self._state["fields_cache"].copy()
        period.__dict__.update(attributes)
        return period

    def _first(self, provenance, values: dict, person_pk: int) -> EmploymentPeriod:
        period = _new_period(provenance, values, person_pk)
        self._names = None
        state = dict(vars(period._state))
        if "fields_cache" in state:
            # A copy: the first row's own cache may be filled later (`period.person`).
            state["fields_cache"] = state["fields_cache"].copy()
            if "person" in state["fields_cache"]:
                return period  # a cached person would be wrong for the next rows
        plain, related = [], []
        for name, value in values.items():
            try:
                field = EmploymentPeriod._meta.get_field(name)
            except FieldDoesNotExist:
                return period
            if field.is_relation:
                related.append((name, value))  # set through its descriptor: reused as is
            elif field.concrete and field.attname == name:
                plain.append(name)
            else:
                return period
        self._attributes = {k: v for k, v in period.__dict__.items() if k != "_state"}
        self._state = state
        self._plain, self._related = tuple(plain), tuple(related)
        self._declarant = provenance.declarant
        self._names = frozenset(values)
        return period


# The fields `new_instance` gives a new value each time (a callable default: the uuid4s,
# from `bulk.uuid4` as there).
_PERIOD_FRESH_DEFAULTS = tuple(
    (field.attname, uuid4 if field.default is uuid.uuid4 else field.get_default)
    for field in EmploymentPeriod._meta.concrete_fields
    if (field.has_default() and callable(field.default))
    or field.db_default is not models.NOT_PROVIDED
)


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _reset(outcome: DeclarationOutcome) -> None:
    outcome.created = outcome.updated = outcome.unchanged = 0
    outcome.hours_created = outcome.hours_updated = outcome.hours_unchanged = 0
    outcome.rejected = []


def _reject(outcome: DeclarationOutcome) -> None:
    _reset(outcome)
    outcome.status = "rejetée"
    outcome.reason = (
        f"Déclaration rejetée ({outcome.declaration.violation_count} anomalie(s)) : "
        "rien n'en a été conservé."
    )


def _changes(current: EmploymentPeriod, values: dict) -> dict:
    changes = {}
    for name in REVISABLE:
        value = values[name]
        if name in ("end_date", "end_reason") and not values["end_date"]:
            continue  # a month without S21.G00.62 does not reopen an ended contract
        if value in (None, "") or (name == "job_title" and value == UNKNOWN_JOB):
            continue
        if name == "job_title" and len(value) >= 120 and current.job_title.startswith(value):
            continue  # the DSN holds 120 characters of a longer title
        if getattr(current, name) != value:
            changes[name] = value
    if current.employer_id is None:
        changes["employer"] = values["employer"]
    return changes


def _rejection(individual: Individual, code: str, message: str, control: str = "") -> dict:
    return {
        "ligne": individual.line,
        "nir": format_nir(individual.nir) if individual.nir else "",
        "code": code,
        "motif": message,
        "controle": control,
    }


def naf_with_dot(code: str) -> str:
    """ "6201Z" (DSN) -> "62.01Z" (Organisation.naf_code); "" when not a NAF code."""
    match = _NAF.match(code or "")
    return f"{match.group(1)}.{match.group(2)}" if match else ""


def declaration_label(declaration: Declaration) -> str:
    norm = dsn_dictionary.load().norm(declaration.norm_version)
    if norm and declaration.nature in norm.nature_labels:
        return norm.nature_labels[declaration.nature]
    return "nature inconnue"


def _report(deposit, reader: DsnReader, outcomes: Iterable[DeclarationOutcome], previous):
    outcomes = list(outcomes)
    kept = [o for o in outcomes if o.status == "intégrée"]
    reasons = Counter()
    for outcome in kept:
        for rejection in outcome.rejected:
            reasons[rejection["code"]] += 1
    return {
        "fichier": deposit.file_name,
        "sha256": deposit.sha256,
        "recu_le": deposit.received_at.isoformat(),
        "deja_recu_le": previous.received_at.isoformat() if previous else None,
        "encodage": reader.encoding,
        "enveloppe": reader.has_envelope,
        "lignes": reader.lines,
        "anomalies_fichier": [v.as_dict() for v in reader.file_violations],
        "declarations": [o.as_dict() for o in outcomes],
        "totaux": {
            "declarations": len(outcomes),
            "declarations_integrees": len(kept),
            "declarations_rejetees": sum(o.status == "rejetée" for o in outcomes),
            "declarations_ignorees": sum(o.status == "ignorée" for o in outcomes),
            "individus": sum(o.individuals for o in outcomes),
            "individus_rattaches": sum(o.individuals - len(o.rejected) for o in kept),
            "individus_rejetes": sum(len(o.rejected) for o in kept),
            "periodes_creees": sum(o.created for o in kept),
            "periodes_mises_a_jour": sum(o.updated for o in kept),
            "periodes_inchangees": sum(o.unchanged for o in kept),
            "heures_creees": sum(o.hours_created for o in kept),
            "heures_mises_a_jour": sum(o.hours_updated for o in kept),
            "heures_inchangees": sum(o.hours_unchanged for o in kept),
        },
        "rejets_par_motif": dict(sorted(reasons.items())),
    }


__all__ = ["ACTOR", "FileResult", "ingest_file", "naf_with_dot"]
