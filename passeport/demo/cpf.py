"""CPF rights of the demo population: monthly DSN hours for the demo's DSN employment
periods (full-time for most contracts, part-time for some, so that pro rata shows), then
the real annual run (`cpf.annual.compute_rights`) for each past year since 2019, each
year's rights dated in the spring of the next as the real service credits them; a
civic-engagement body (an association) and a public employer with ProConnect demo
accounts; for the first FranceConnect test identities a validated civic activity, a
volunteer declaration waiting for the association's confirmation, and years of public
service to convert.

Called by `seed_demo` after the population; writes through the same services as any
import or declaration."""

import datetime
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passeport.core.bulk import bulk_insert, new_instance
from passeport.cpf import agents, annual, cec, rules
from passeport.cpf.enums import CecActivity, Channel
from passeport.ingest.dsn.models import DepositStatus, DsnDeposit, DsnHoursWorked
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.organisations.siret import make_siren, make_siret
from passeport.people.models import Person
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import EmploymentPeriod

from .franceconnect import read_identities

ACTOR = Actor.system("seed_demo")
FULL_MONTH = Decimal("151.67")


def _month_ends(year: int):
    for month in range(1, 13):
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        yield start, end


def _hours(today: datetime.date, rng: random.Random) -> int:
    """Monthly hours of every DSN period of the demo, for the years 2019 to last year."""
    deposit = DsnDeposit.objects.create(
        file_name="DSN de démonstration",
        sha256=uuid.UUID(int=rng.getrandbits(128)).hex * 2,
        size=0,
        received_at=timezone.now(),
        finished_at=timezone.now(),
        status=DepositStatus.PROCESSED,
    )
    first_year, last_year = rules.FIRST_EURO_YEAR, today.year - 1
    rows = []
    periods = (
        EmploymentPeriod.objects.filter(source_kind=SourceKind.DSN)
        .order_by("pk")
        .values_list("lineage", "person_id", "siret", "contract_number", "start_date", "end_date")
    )
    for lineage, person_id, siret, contract, start, end in periods.iterator(chunk_size=2000):
        # Most contracts full-time; one in five part-time (pro rata below half-time).
        share = Decimal(1) if rng.random() < 0.8 else Decimal(rng.choice(["0.25", "0.4", "0.6"]))
        for year in range(max(first_year, start.year), min(last_year, (end or today).year) + 1):
            for month_start, month_end in _month_ends(year):
                if month_end < start or (end and month_start > end):
                    continue
                rows.append(
                    new_instance(
                        DsnHoursWorked,
                        lineage=lineage,
                        person_id=person_id,
                        siret=siret,
                        contract_number=contract,
                        period_start=month_start,
                        period_end=month_end,
                        hours=(FULL_MONTH * share).quantize(Decimal("0.01")),
                        deposit=deposit,
                        source_reference=f"DSN de démonstration {month_start:%Y-%m}",
                    )
                )
        if len(rows) >= 20_000:
            bulk_insert(DsnHoursWorked, rows)
            rows = []
    bulk_insert(DsnHoursWorked, rows)
    return DsnHoursWorked.objects.filter(deposit=deposit).count()


def _organisations(rng: random.Random) -> tuple[Organisation, Organisation]:
    def siret():
        return make_siret(make_siren(f"{rng.randint(10_000_000, 99_999_999)}"), "0001")

    association = Organisation.objects.create(
        siret=siret(),
        name="Association Les Jardins partagés",
        naf_code="94.99Z",
        is_civic_body=True,
        civic_activities=[CecActivity.ASSOCIATION_LEADER],
        association_declared_on=datetime.date(2012, 9, 1),
    )
    sdis = Organisation.objects.create(
        siret=siret(),
        name="Service départemental d'incendie et de secours du Rhône",
        naf_code="84.25Z",
        is_civic_body=True,
        civic_activities=[CecActivity.VOLUNTEER_FIREFIGHTER],
    )
    town = Organisation.objects.create(
        siret=siret(), name="Mairie de Villeurbanne", naf_code="84.11Z", is_public_employer=True
    )
    return association, sdis, town


def _test_persons() -> list[Person]:
    persons = []
    for identity in read_identities()[:3]:
        person = (
            Person.objects.filter(
                birth_name=identity.birth_name.strip().upper(),
                birth_year=identity.birth_date.year,
                birth_month=identity.birth_date.month,
                birth_day=identity.birth_date.day,
            )
            .order_by("pk")
            .first()
        )
        if person is not None:
            persons.append(person)
    return persons


def _recent_contracts(persons: list[Person], today: datetime.date, rng: random.Random) -> None:
    """The test identities log in to see rights: each gets a current DSN contract since
    2019 if their generated career has none (stored like any DSN period)."""
    employer = Organisation.objects.filter(is_employer=True).order_by("pk").first()
    if employer is None:
        return
    for person in persons:
        recent = EmploymentPeriod.objects.filter(
            person=person,
            source_kind=SourceKind.DSN,
            start_date__lt=datetime.date(today.year, 1, 1),
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=datetime.date(2019, 1, 1)))
        if recent.exists():
            continue
        records.store_employment_period(
            person,
            provenance=records.Provenance(
                SourceKind.DSN, timezone.now(), employer, f"DSN mensuelle {employer.siret} 2019-01"
            ),
            actor=ACTOR,
            employer=employer,
            employer_name=employer.name,
            siret=employer.siret,
            contract_number=f"{rng.randint(1, 99999):05d}",
            contract_nature="01",
            job_title="Agent polyvalent",
            start_date=datetime.date(2019, 1, 1),
        )


def seed(today: datetime.date, *, seed: int = 1) -> dict[str, int]:
    """Returns what was written, for the command's summary."""
    rng = random.Random(seed * 7919)
    persons = _test_persons()
    with transaction.atomic():
        _recent_contracts(persons, today, rng)
        hours = _hours(today, rng)
        association, sdis, town = _organisations(rng)
    years = range(rules.FIRST_EURO_YEAR, today.year)
    credited = 0
    for year in years:
        report = annual.compute_rights(year, value_date=datetime.date(year + 1, 3, 31))
        credited += report.outcomes["credited"] + report.outcomes["pro_rata"]
    done = {"heures_dsn": hours, "acquisitions": credited, "engagements": 0, "agents": 0}
    if persons:
        first = persons[0]
        cec.declare_by_body(
            sdis,
            first,
            activity=CecActivity.VOLUNTEER_FIREFIGHTER,
            year=today.year - 1,
            quantity=96,
            role="Sapeur-pompier volontaire",
            channel=Channel.DEMO,
            actor=ACTOR,
            today=datetime.date(today.year, 2, 1),
        )
        # Hours of last year waiting for the association's confirmation (Compte Asso).
        cec.declare_by_volunteer(
            first,
            association,
            year=today.year - 1,
            hours=230,
            role="Trésorière",
            actor=ACTOR,
            today=datetime.date(today.year, 4, 15),
        )
        done["engagements"] = 2
    if len(persons) > 1:
        for year in range(today.year - 4, today.year):
            agents.declare_agent(
                town,
                persons[1],
                year=year,
                months=12,
                low_qualified=False,
                channel=Channel.DEMO,
                actor=ACTOR,
                today=today,
            )
            done["agents"] += 1
    return done
