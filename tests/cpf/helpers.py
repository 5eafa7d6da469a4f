"""Building DSN hours and accounts for the CPF tests."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from passeport.cpf import ledger
from passeport.cpf.enums import MovementKind, MovementSource, Part
from passeport.ingest.dsn.models import DsnDeposit, DsnHoursWorked
from passeport.journal.actors import Actor

ACTOR = Actor.system("tests")


def deposit() -> DsnDeposit:
    return DsnDeposit.objects.create(
        file_name="test.dsn", sha256="0" * 64, size=1, received_at=timezone.now()
    )


def monthly_hours(person, year, total, *, siret="35600000000048", lineage=None, months=12):
    """`total` hours spread over `months` monthly pay periods of `year` (one contract);
    returns the contract's lineage."""
    lineage = lineage or uuid.uuid4()
    source = deposit()
    total = Decimal(str(total))
    share = (total / months).quantize(Decimal("0.01"))
    for month in range(1, months + 1):
        hours = share if month < months else total - share * (months - 1)
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        DsnHoursWorked.objects.create(
            lineage=lineage,
            person=person,
            siret=siret,
            contract_number="00001",
            period_start=start,
            period_end=end,
            hours=hours,
            deposit=source,
            source_reference=f"test {year}-{month:02d}",
        )
    return lineage


def account_with(person, cents=0, *, part=Part.RIGHTS):
    account = ledger.open_account(person, actor=ACTOR)
    if cents:
        ledger.credit(
            account,
            part,
            cents,
            kind=MovementKind.FUNDER_CREDIT if part == Part.FUNDER else MovementKind.ADJUSTMENT,
            source_kind=MovementSource.FUNDER if part == Part.FUNDER else MovementSource.DSN,
            actor=ACTOR,
            year=2020,
            details={"hours": "0", "reference_hours": "1607", "situation": "standard"},
        )
    return account


def civic_body(*activities, declared_on=datetime.date(2010, 1, 1), **fields):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(
        is_employer=False,
        is_civic_body=True,
        civic_activities=list(activities),
        association_declared_on=declared_on,
        **fields,
    )


def public_employer(**fields):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(**{"is_employer": False, "is_public_employer": True, **fields})
