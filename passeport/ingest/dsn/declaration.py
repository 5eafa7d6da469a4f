"""What a DSN reader hands out: declarations (their header, their violations) and their
individuals with contracts and hours worked, read from the file as they are asked for
(`Declaration.individuals()`)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from passeport.core.digits import ascii_int

from . import dictionary as dsn_dictionary

SUPPORTED_NATURES = {"01": "DSN mensuelle", "07": "Signalement fin de contrat de travail unique"}
MAX_VIOLATIONS = 200  # per declaration: enough to act on, bounded memory on a broken file


@dataclass(frozen=True, slots=True)
class Violation:
    line: int
    rubrique: str
    reason: str  # French, never quotes a NIR
    control: str = ""  # dictionary control id, when one applies

    def as_dict(self) -> dict:
        return {
            "ligne": self.line,
            "rubrique": self.rubrique,
            "motif": self.reason,
            "controle": self.control,
        }


@dataclass(slots=True)
class Hours:
    line: int
    contract_number: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    hours: decimal.Decimal


@dataclass(slots=True)
class Contract:
    line: int
    start_date: datetime.date | None = None
    pcs_ese: str = ""
    job_title: str = ""
    nature: str = ""
    number: str = ""
    quotity_unit: str = ""
    reference_quotity: decimal.Decimal | None = None  # S21.G00.40.012
    working_time_quotity: decimal.Decimal | None = None  # S21.G00.40.013
    end_date: datetime.date | None = None
    end_reason: str = ""
    end_line: int = 0


@dataclass(slots=True)
class Individual:
    line: int
    nir: str = ""
    birth_name: str = ""
    usage_name: str = ""
    first_names: str = ""
    sex: str = ""  # "01" / "02"
    birth_date: str = ""  # DDMMYYYY, 99 for an unknown day or month
    birth_place: str = ""
    birth_department: str = ""
    birth_country: str = ""
    temporary_number: str = ""
    contracts: list[Contract] = field(default_factory=list)
    hours: list[Hours] = field(default_factory=list)

    @property
    def birth_year(self) -> int | None:
        return ascii_int(self.birth_date[4:]) if len(self.birth_date) == 8 else None

    @property
    def birth_month(self) -> int | None:
        month = self.birth_date[2:4]
        return ascii_int(month) if month != "99" else None


@dataclass
class Declaration:
    index: int  # 1-based, in the file
    line: int
    norm_version: str = ""
    nature: str = ""
    month: datetime.date | None = None
    siren: str = ""
    nic: str = ""
    naf: str = ""
    establishment_naf: str = ""
    emitter_siren: str = ""
    emitter_name: str = ""
    violations: list[Violation] = field(default_factory=list)
    violation_count: int = 0
    individual_count: int = 0
    closed: bool = False
    # The reader's next event ("individual" or "end" of this declaration, or None at
    # the end of the file): individuals are read as they are asked for.
    _next_event: Callable[[], tuple | None] | None = field(default=None, repr=False)

    @property
    def siret(self) -> str:
        return self.siren + self.nic if self.siren and self.nic else ""

    @property
    def supported(self) -> bool:
        return self.nature in SUPPORTED_NATURES

    def add(self, violation: Violation) -> None:
        self.violation_count += 1
        if len(self.violations) < MAX_VIOLATIONS:
            self.violations.append(violation)

    def individuals(self) -> Iterator[Individual]:
        """The declaration's individuals, read from the file as they are asked for."""
        next_event = self._next_event
        while not self.closed and next_event is not None:
            event = next_event()
            if event is None:
                return
            kind, item = event
            if kind == "individual":
                yield item
            elif kind == "end":
                return


@dataclass
class Envoi:
    """An envoi (S10 … S90) as the reader follows it: its norm, counts and header."""

    line: int
    norm: dsn_dictionary.Norm | None = None
    violations: list[Violation] = field(default_factory=list)
    rubriques: int = 0
    declarations: int = 0
    emitter: tuple[str, str] = ("", "")  # SIREN, name (S10.G00.01.001, .003)
    closed: bool = False
