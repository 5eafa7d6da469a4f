"""Valid synthetic monthly DSN files (nature 01), written as real ones are: ISO-8859-1,
CRLF, optionally inside the deposit envelope; streamed, one establishment at a time.

Two sources of individuals:
- `synthetic_groups`: new people with valid NIRs (`make_nir`) at new establishments;
- `database_groups`: the persons in the database, with their DSN employment periods in
  force during the month (same contract numbers, so that ingesting the file changes
  nothing), then persons without one, given a new contract at an existing employer.

One module on purpose, though longer than the house's ~400 lines: it writes one format
(the DSN's blocks in their order), and its parts are that order.
"""

from __future__ import annotations

import calendar
import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from faker.providers.person.fr_FR import Provider as FrenchNames

from passeport.organisations.siret import make_siren, make_siret
from passeport.people.nir import make_nir

NORM_BY_YEAR = {2024: "P24V01", 2025: "P25V01", 2026: "P26V01"}
COMMUNES = ["75107", "69381", "13201", "33063", "59350", "31555", "44109", "67482", "35238"]
JOBS = [
    ("388a", "Développeur informatique"),
    ("636d", "Boulanger"),
    ("543a", "Employé administratif"),
    ("526a", "Aide-soignant"),
    ("621a", "Conducteur d'engins"),
    ("463a", "Technicien commercial"),
]
# Establishment sizes (employees) as in France: few large establishments employ a large
# share of the employees. (lowest, highest, share of the employees) per size class.
SIZE_CLASSES = [(1, 9, 0.20), (10, 49, 0.22), (50, 249, 0.23), (250, 2000, 0.35)]
TRADES = [("6201Z", "Informatique"), ("1071C", "Boulangerie"), ("8610Z", "Clinique")]
SEX_CODE = {"M": "01", "F": "02"}


@dataclass
class Establishment:
    siret: str
    naf: str = ""  # DSN form, without the dot (6201Z)
    name: str = ""

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def nic(self) -> str:
        return self.siret[9:]


@dataclass
class GeneratedContract:
    number: str
    start_date: datetime.date
    nature: str = "01"
    job_title: str = ""
    pcs_ese: str = ""
    quotity: Decimal | None = None
    reference_quotity: Decimal | None = None
    end_date: datetime.date | None = None
    end_reason: str = ""
    hours: Decimal | None = None


@dataclass
class GeneratedIndividual:
    nir13: str
    birth_name: str
    first_names: str
    sex: str  # "M" / "F"
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    birth_commune: str = ""
    contracts: list[GeneratedContract] = field(default_factory=list)

    @property
    def birth_date(self) -> str:
        day = f"{self.birth_day:02d}" if self.birth_day else "99"
        month = f"{self.birth_month:02d}" if self.birth_month else "99"
        return f"{day}{month}{self.birth_year}"


def norm_for(month: datetime.date) -> str:
    year = min(max(month.year, min(NORM_BY_YEAR)), max(NORM_BY_YEAR))
    return NORM_BY_YEAR[year]


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _d(day: datetime.date) -> str:
    return f"{day:%d%m%Y}"


def _q(value: Decimal) -> str:
    return f"{value:.2f}"


class DsnWriter:
    """Writes rubriques as they come; counts what the totals (S90, S96, S95) announce."""

    def __init__(self, out: BinaryIO, *, envelope: bool):
        self.out = out
        self.envelope = envelope
        self.rubriques = 0
        self.declarations = 0
        self._buffer: list[str] = []

    def line(self, rubrique: str, value: object) -> None:
        self._buffer.append(f"{rubrique},'{value}'\r\n")
        self.rubriques += 1
        if len(self._buffer) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            text = "".join(self._buffer)
            self.out.write(text.encode("iso-8859-1", errors="replace"))
            self._buffer.clear()


def write_dsn(
    out: BinaryIO,
    groups: Iterable[tuple[Establishment, Iterable[GeneratedIndividual]]],
    *,
    month: datetime.date,
    emitter: Establishment | None = None,
    envelope: bool = False,
    norm: str | None = None,
) -> int:
    """Writes one envoi with one monthly declaration per establishment; returns the
    number of individuals written."""
    month = month.replace(day=1)
    norm = norm or norm_for(month)
    writer = DsnWriter(out, envelope=envelope)
    if envelope:
        lot = f"LOT{month:%Y%m}"
        for rubrique, value in (
            ("S05.G51.00.001", "V01R02"),
            ("S05.G51.00.002", lot),
            ("S05.G51.00.003", "01"),
            ("S05.G51.00.004", _d(datetime.date.today())),
            ("S05.G51.00.005", "120000"),
            ("S05.G51.00.006", "1"),
            ("S06.G51.00.001", "GRP0000001"),
        ):
            writer.line(rubrique, value)
    writer.rubriques = 0  # S90 counts the envoi's rubriques only
    emitter = emitter or Establishment(make_siret(make_siren("12345678"), "0001"), "", "Paie")
    for rubrique, value in (
        ("S10.G00.00.001", "Passeport"),
        ("S10.G00.00.002", "Passeport"),
        ("S10.G00.00.003", "1.0"),
        ("S10.G00.00.005", "01"),
        ("S10.G00.00.006", norm),
        ("S10.G00.00.007", "01"),
        ("S10.G00.00.008", "01"),
        ("S10.G00.01.001", emitter.siren),
        ("S10.G00.01.002", emitter.nic),
        ("S10.G00.01.003", (emitter.name or "Emetteur")[:60]),
        ("S10.G00.01.004", "1 place de la Paie"),
        ("S10.G00.01.005", "75001"),
        ("S10.G00.01.006", "Paris"),
        ("S10.G00.02.002", "Service paie"),
        ("S10.G00.02.004", "paie@example.fr"),
        ("S10.G00.02.005", "0100000000"),
    ):
        writer.line(rubrique, value)
    last = month_end(month)
    written = 0
    for order, (establishment, individuals) in enumerate(groups, 1):
        written += _declaration(writer, establishment, individuals, month, last, order)
        writer.declarations += 1
    writer.line("S90.G00.90.001", writer.rubriques + 2)
    writer.line("S90.G00.90.002", writer.declarations)
    if envelope:
        writer.line("S96.G51.00.001", "FIN")
        writer.line("S96.G51.00.002", "1")
        writer.line("S95.G51.00.001", f"LOT{month:%Y%m}")
        writer.line("S95.G51.00.002", "1")
    writer.flush()
    return written


def _declaration(writer, establishment, individuals, month, last, order) -> int:
    line = writer.line
    line("S20.G00.05.001", "01")
    line("S20.G00.05.002", "01")
    line("S20.G00.05.003", "11")
    line("S20.G00.05.004", order)
    line("S20.G00.05.005", _d(month))
    line("S20.G00.05.007", _d(last + datetime.timedelta(days=5)))
    line("S20.G00.05.010", "01")
    line("S21.G00.06.001", establishment.siren)
    line("S21.G00.06.002", establishment.nic)
    if establishment.naf:
        line("S21.G00.06.003", establishment.naf)
    line("S21.G00.11.001", establishment.nic)
    if establishment.naf:
        line("S21.G00.11.002", establishment.naf)
    count = 0
    for individual in individuals:
        count += 1
        line("S21.G00.30.001", individual.nir13)
        line("S21.G00.30.002", individual.birth_name[:80])
        line("S21.G00.30.004", individual.first_names[:80])
        line("S21.G00.30.005", SEX_CODE[individual.sex])
        line("S21.G00.30.006", individual.birth_date)
        if individual.birth_commune:
            line("S21.G00.30.007", individual.birth_commune)
            line("S21.G00.30.014", individual.birth_commune[:2])
        else:
            line("S21.G00.30.014", "99")
        for contract in individual.contracts:
            line("S21.G00.40.001", _d(contract.start_date))
            if contract.pcs_ese:
                line("S21.G00.40.004", contract.pcs_ese)
            if contract.job_title:
                line("S21.G00.40.006", contract.job_title[:120])
            line("S21.G00.40.007", contract.nature)
            line("S21.G00.40.009", contract.number)
            if contract.quotity is not None:
                line("S21.G00.40.011", "10")
                line("S21.G00.40.012", _q(contract.reference_quotity or contract.quotity))
                line("S21.G00.40.013", _q(contract.quotity))
            if contract.end_date and contract.end_date <= last:
                line("S21.G00.62.001", _d(contract.end_date))
                line("S21.G00.62.002", contract.end_reason or "031")
                line("S21.G00.63.001", "90")
            line("S21.G00.71.002", "RETA")
        line("S21.G00.50.001", _d(last))
        line("S21.G00.50.002", "1500.00")
        line("S21.G00.50.004", "1400.00")
        for contract in individual.contracts:
            start = max(contract.start_date, month)
            end = min(contract.end_date or last, last)
            line("S21.G00.51.001", _d(start))
            line("S21.G00.51.002", _d(end))
            line("S21.G00.51.010", contract.number)
            line("S21.G00.51.011", "002")
            line("S21.G00.51.013", "1900.00")
            if contract.hours:
                line("S21.G00.53.001", "01")
                line("S21.G00.53.002", _q(contract.hours))
                line("S21.G00.53.003", "10")
    return count


def establishment_sizes(rng: random.Random, per_establishment: int = 0) -> Iterator[int]:
    """Sizes of the establishments one after another: `per_establishment` each, or when 0,
    realistic sizes (a class drawn so that each holds its share of the employees, then a
    size log-uniform in the class)."""
    if per_establishment > 0:
        while True:
            yield per_establishment
    weights = [share / ((low * high) ** 0.5) for low, high, share in SIZE_CLASSES]
    while True:
        low, high, _share = rng.choices(SIZE_CLASSES, weights)[0]
        yield max(low, min(high, round(low * (high / low) ** rng.random())))


# --- synthetic people -----------------------------------------------------------------------


def synthetic_groups(
    individuals: int, month: datetime.date, *, seed: int = 1, per_establishment: int = 50
) -> Iterator[tuple[Establishment, Iterator[GeneratedIndividual]]]:
    rng = random.Random(seed)
    used: set[str] = set()
    sirets: set[str] = set()
    remaining = individuals
    sizes = establishment_sizes(random.Random(seed + 1), per_establishment)
    while remaining > 0:
        size = min(next(sizes), remaining)
        remaining -= size
        while True:
            siret = make_siret(
                make_siren(f"{rng.randint(10_000_000, 99_999_999)}"), f"{rng.randint(1, 9999):04d}"
            )
            if siret not in sirets:
                sirets.add(siret)
                break
        naf, trade = rng.choice(TRADES)
        establishment = Establishment(siret, naf, f"{trade} {rng.choice(FrenchNames.last_names)}")
        yield establishment, _synthetic_people(rng, size, month, used)


def _synthetic_people(rng, size, month, used) -> Iterator[GeneratedIndividual]:
    for _ in range(size):
        sex = rng.choice("MF")
        year = rng.randint(month.year - 64, month.year - 18)
        birth_month = rng.randint(1, 12)
        commune = rng.choice(COMMUNES)
        while True:
            nir = make_nir(sex, year, birth_month, commune, rng.randint(1, 999))
            if nir[:13] not in used:
                used.add(nir[:13])
                break
        names = FrenchNames.first_names_male if sex == "M" else FrenchNames.first_names_female
        yield GeneratedIndividual(
            nir13=nir[:13],
            birth_name=rng.choice(FrenchNames.last_names),
            first_names=rng.choice(names),
            sex=sex,
            birth_year=year,
            birth_month=birth_month,
            birth_day=rng.randint(1, 28),
            birth_commune=commune,
            contracts=[_new_contract(rng, month, f"{rng.randint(1, 99_999):05d}")],
        )


def _new_contract(rng, month, number) -> GeneratedContract:
    pcs, title = rng.choice(JOBS)
    quotity = rng.choice([Decimal("151.67")] * 4 + [Decimal("121.33"), Decimal("75.83")])
    start = month - datetime.timedelta(days=rng.randint(0, 3000))
    return GeneratedContract(
        number=number,
        start_date=start,
        nature=rng.choice(["01", "01", "01", "02"]),
        job_title=title,
        pcs_ese=pcs,
        quotity=quotity,
        reference_quotity=Decimal("151.67"),
        hours=quotity,
    )


# --- from the database ----------------------------------------------------------------------


def database_groups(
    individuals: int, month: datetime.date, *, seed: int = 1, per_establishment: int = 50
) -> Iterator[tuple[Establishment, Iterator[GeneratedIndividual]]]:
    """Persons with their DSN periods in force during `month`, grouped by establishment;
    then, up to `individuals`, persons without one, at existing employers."""
    from django.db.models import Q

    from passeport.organisations.models import Organisation
    from passeport.people.models import Person
    from passeport.records.enums import RecordStatus, SourceKind
    from passeport.records.models import EmploymentPeriod

    month = month.replace(day=1)
    last = month_end(month)
    in_force = EmploymentPeriod.objects.filter(
        source_kind=SourceKind.DSN,
        status=RecordStatus.ACTIVE,
        start_date__lte=last,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
    budget = [individuals]
    rows = in_force.order_by("siret", "person_id", "contract_number").values_list(
        "siret",
        "person_id",
        "contract_number",
        "contract_nature",
        "job_title",
        "pcs_ese",
        "working_time_quotity",
        "reference_quotity",
        "start_date",
        "end_date",
        "end_reason",
    )
    organisations = {}

    def establishment(siret: str) -> Establishment:
        if siret not in organisations:
            org = Organisation.objects.filter(siret=siret).values_list("naf_code", "name").first()
            naf, name = org or ("", "")
            organisations[siret] = Establishment(siret, naf.replace(".", ""), name)
        return organisations[siret]

    group: list = []
    current = None
    for row in rows.iterator(chunk_size=5000):
        if budget[0] <= 0:
            break
        if row[0] != current and group:
            yield establishment(current), _from_rows(group, budget)
            group = []
        current = row[0]
        group.append(row)
    if group and budget[0] > 0:
        yield establishment(current), _from_rows(group, budget)
    if budget[0] <= 0:
        return
    employers = list(
        Organisation.objects.filter(is_employer=True)
        .order_by("siret")
        .values_list("siret", "naf_code", "name")
    )
    rng = random.Random(seed)
    if not employers:
        employers = [(make_siret(make_siren("87654321"), "0001"), "62.01Z", "Employeur")]
    without = (
        Person.objects.exclude(pk__in=in_force.values("person_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[: budget[0]]
    )
    chunk: list[int] = []
    index = 0
    sizes = establishment_sizes(random.Random(seed + 1), per_establishment)
    size = next(sizes)
    for pk in without.iterator(chunk_size=5000):
        chunk.append(pk)
        if len(chunk) == size:
            size = next(sizes)
            siret, naf, name = employers[index % len(employers)]
            index += 1
            yield Establishment(siret, naf.replace(".", ""), name), _new_people(chunk, month, rng)
            chunk = []
    if chunk:
        siret, naf, name = employers[index % len(employers)]
        yield Establishment(siret, naf.replace(".", ""), name), _new_people(chunk, month, rng)


def _person_individual(person) -> GeneratedIndividual:
    return GeneratedIndividual(
        nir13=person.reveal_nir()[:13],
        birth_name=person.birth_name,
        first_names=person.first_names,
        sex=person.sex,
        birth_year=person.birth_year,
        birth_month=person.birth_month,
        birth_day=person.birth_day,
        birth_commune=person.birth_commune_code,
    )


def _from_rows(rows, budget) -> Iterator[GeneratedIndividual]:
    from passeport.people.models import Person

    persons = Person.objects.in_bulk({row[1] for row in rows})
    by_person: dict[int, list] = {}
    for row in rows:
        by_person.setdefault(row[1], []).append(row)
    for person_pk, contracts in by_person.items():
        if budget[0] <= 0:
            return
        budget[0] -= 1
        individual = _person_individual(persons[person_pk])
        for row in contracts:
            _s, _p, number, nature, title, pcs, quotity, reference, start, end, reason = row
            individual.contracts.append(
                GeneratedContract(
                    number=number,
                    start_date=start,
                    nature=nature or "01",
                    job_title=title,
                    pcs_ese=pcs,
                    quotity=quotity,
                    reference_quotity=reference,
                    end_date=end,
                    end_reason=reason,
                    hours=quotity,
                )
            )
        yield individual


def _new_people(pks, month, rng) -> Iterator[GeneratedIndividual]:
    from passeport.people.models import Person

    persons = Person.objects.in_bulk(pks)
    for pk in pks:
        individual = _person_individual(persons[pk])
        # Deterministic number: the same month generated again gives the same contract.
        contract = _new_contract(rng, month, f"G{month:%Y%m}{pk:08d}"[-20:])
        contract.start_date = max(
            contract.start_date,
            datetime.date(individual.birth_year + 18, individual.birth_month or 1, 1),
        )
        if contract.start_date > month_end(month):
            contract.start_date = month
        individual.contracts.append(contract)
        yield individual
