"""Hours worked per contract and pay period (for CPF rights), which `EmploymentPeriod`
does not carry: collected from the individuals' remunerations and activities, compared
with what is stored (by the period's lineage), then created or updated."""

from __future__ import annotations

from decimal import Decimal

from django.db.models.base import ModelState

from passeport.core.bulk import field_in

from .models import DsnHoursWorked
from .rows import chunks

_HOURS_ATTNAMES = frozenset(field.attname for field in DsnHoursWorked._meta.concrete_fields)


def _new_hours(values: dict) -> DsnHoursWorked:
    """An unsaved row built without `Model.__init__` (its cost shows on 100,000 rows):
    every concrete field is given, as `__init__` would set it."""
    assert values.keys() == _HOURS_ATTNAMES
    row = DsnHoursWorked.__new__(DsnHoursWorked)
    row.__dict__.update(values)
    row._state = ModelState()
    return row


def collect(into, lineage, person_pk, declaration, individual, contract, file_name: str) -> None:
    """Adds the individual's hours for this contract to `into`, by (lineage, pay period)."""
    if not individual.hours:
        return
    single = len(individual.contracts) == 1
    for hours in individual.hours:
        if hours.period_start is None or hours.period_end is None:
            continue
        if hours.contract_number != contract.number and not (single and not hours.contract_number):
            continue
        key = (lineage, hours.period_start, hours.period_end)
        entry = into.get(key)
        if entry is None:
            entry = into[key] = [
                Decimal(0),
                person_pk,
                declaration.siret,
                contract.number,
                f"{file_name}:ligne {hours.line}",
            ]
        entry[0] += hours.hours


def existing(lineages: set) -> dict:
    """The hours already stored for these lineages (of periods found in the database:
    a period created by this group has none)."""
    found = {}
    for chunk in chunks(sorted(lineages), 5000):
        for pk, lineage, start, end, hours in DsnHoursWorked.objects.filter(
            field_in(DsnHoursWorked, "lineage", chunk)
        ).values_list("pk", "lineage", "period_start", "period_end", "hours"):
            found[(lineage, start, end)] = [pk, hours, None]
    return found


def apply(hours_by_key: dict, outcome, existing: dict, group, deposit_pk: int) -> None:
    """Hours created, updated or unchanged, counted on the declaration's outcome."""
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
                    "deposit_id": deposit_pk,
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
                    deposit_id=deposit_pk,
                    source_reference=reference,
                    updated_at=now,
                )
            outcome.hours_updated += 1
        else:
            outcome.hours_unchanged += 1
