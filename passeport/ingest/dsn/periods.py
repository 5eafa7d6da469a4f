"""From a DSN contract to an employment period: its values, the periods in force of the
same persons (by SIRET, person and contract number), and what a later declaration
changes (never reopening an ended contract, never shortening a long job title)."""

from __future__ import annotations

from passeport.core.bulk import field_in
from passeport.organisations.models import Organisation
from passeport.records.enums import RecordStatus, SourceKind
from passeport.records.models import EmploymentPeriod

from .declaration import Contract
from .rows import Current, chunks

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
UNKNOWN_JOB = "Emploi non précisé"


def existing(person_pks: set[int]) -> dict:
    """The periods in force of these persons from the DSN, by (SIRET, person, contract
    number); a later version wins."""
    found = {}
    # By person only: the (person, status) index answers it; a person has few periods,
    # and there is no index on SIRET to scan for.
    for chunk in chunks(sorted(person_pks), 5000):
        rows = (
            EmploymentPeriod.objects.filter(
                field_in(EmploymentPeriod, "person", chunk),
                status__in=[RecordStatus.ACTIVE, RecordStatus.EXPIRED],
                source_kind=SourceKind.DSN,
            )
            .order_by("version")
            .values_list("siret", "person_id", "contract_number", *Current.__slots__)
        )
        for siret, person_id, number, *values in rows:
            found[(siret, person_id, number)] = Current(*values)
    return found


def values(contract: Contract, employer: Organisation) -> dict:
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


def changes(current: EmploymentPeriod, values: dict) -> dict:
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
