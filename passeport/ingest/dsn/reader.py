"""Streaming reader and validator for DSN files.

With or without the deposit envelope (S05/S06 … S96/S95), several envois (S10 … S90) and
several declarations (S20) per file. The file's bytes become block instances in
`lines.LineSource`; each block is checked as it comes (`checks.BlockChecks`, mixed in)
and handed to its handler here, which builds the declaration, its individuals, their
contracts and hours (`declaration`). Each declaration is handed out as soon as its
header is read, and its individuals one by one (`Declaration.individuals()`), so that
memory does not grow with the file. Violations are attached to the declaration they occur
in (so that the loader can reject it whole), to the envoi header (rejecting every
declaration of the envoi) or to the file. Besides the checks of `checks`: calendar dates,
unique NIR per establishment (S21.G00.30.001/CCH-14), unique contract number per
individual (S21.G00.40.009/CCH-12), remunerations pointing at a declared contract
(S21.G00.51.010/CCH-11), contracts started after the birth (CCH-15).
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from passeport.core.digits import ascii_digits, ascii_int

from . import dictionary as dsn_dictionary
from .checks import BlockChecks, OpenBlock, RubriqueCheck, siren_ok, siret_ok
from .declaration import (
    Contract,
    Declaration,
    Envoi,
    Hours,
    Individual,
    Violation,
)
from .lines import LineSource

_ENVELOPE_PREFIXES = frozenset(("S05", "S06", "S95", "S96"))
# Violations after which a file is read no further (each declaration keeps its first
# `MAX_VIOLATIONS`; the file's own are kept up to this): a file that broken is to be
# corrected and sent again, not read to its end.
MAX_FILE_VIOLATIONS = 10_000
TOO_MANY_ERRORS = (
    "Trop d'erreurs : corrigez le fichier et renvoyez-le. Lecture arrêtée à la ligne {line} "
    "après {count} anomalies ; les déclarations lues avant sont traitées, la suite du "
    "fichier ne l'est pas."
)


class DsnReader(BlockChecks):
    def __init__(
        self,
        path: str | Path,
        *,
        dictionary: dsn_dictionary.Dictionary | None = None,
        max_violations: int = MAX_FILE_VIOLATIONS,
    ):
        self.path = Path(path)
        self.max_violations = max_violations
        self.violation_count = 0
        self.stopped = False  # read no further: too many violations
        self.dictionary = dictionary or dsn_dictionary.load()
        self._lines = LineSource(self.path)
        self.file_violations: list[Violation] = self._lines.file_violations
        self.has_envelope = False
        self._events: deque = deque()
        self._source = self._lines.block_instances()
        self._declaration: Declaration | None = None
        self._declarations = 0
        self._envoi: Envoi | None = None
        self._stack: list[OpenBlock] = []
        # The blocks of `_stack`, in the same order: `parent in` it is one C-level scan.
        self._stack_blocks: list[str] = []
        self._individual: Individual | None = None
        self._contract: Contract | None = None
        self._hours: list | None = None  # the S21.G00.51 being read: [line, number, start, end]
        self._nirs: set[str] = set()
        self._contract_numbers: set[str] = set()
        self._envelope_dsn = 0
        self._envelope_groups = 0
        self._group_dsn = 0
        self._lot_closed = False
        # Per norm version, block and number: the rubrique's check (with its known values).
        self._checks: dict[str, dict[str, dict[str, RubriqueCheck]]] = {}
        self._block_checks: dict[str, dict[str, RubriqueCheck]] | None = None  # the envoi's
        self._mandatory: dict[tuple, dict[str, tuple]] = {}  # (norm, nature) -> block -> …
        self._mandatory_for: tuple = (None, None, {})  # declaration, envoi, their table
        self._blocks = self.dictionary.blocks
        self._individual_blocks = self.dictionary.individual_blocks

    @property
    def encoding(self) -> str:
        return self._lines.encoding

    @property
    def lines(self) -> int:
        return self._lines.lines

    @property
    def bytes_read(self) -> int:
        return self._lines.bytes_read

    # --- public ------------------------------------------------------------------------

    def declarations(self) -> Iterator[Declaration]:
        while True:
            event = self._next_event()
            if event is None:
                return
            kind, item = event
            if kind == "declaration":
                yield item
                for _ in item.individuals():  # what the caller did not read
                    pass

    # --- events --------------------------------------------------------------------------

    def _next_event(self):
        while not self._events:
            if self.stopped:
                return None
            instance = next(self._source, None)
            if instance is None:
                self._finish()
                if not self._events:
                    return None
                break
            self._on_block(*instance)
            if self.violation_count >= self.max_violations:
                self._stop(instance[2])
        return self._events.popleft()

    # --- violations ----------------------------------------------------------------------

    def _violation(self, line: int, rubrique: str, reason: str, control: str = "") -> None:
        self.violation_count += 1
        violation = Violation(line, rubrique, reason, control)
        if self._declaration is not None and not self._declaration.closed:
            self._declaration.add(violation)
        elif self._envoi is not None and rubrique.startswith("S10"):
            self._envoi.violations.append(violation)
        else:
            self.file_violations.append(violation)

    def _stop(self, line: int) -> None:
        """Too many violations (checked between blocks): the declaration being read ends
        here (rejected for its violations), and nothing more is read."""
        self.stopped = True
        self._source.close()  # the file is closed
        # First among the file's violations: what the deposit's report says before all else.
        self.file_violations.insert(
            0, Violation(line, "", TOO_MANY_ERRORS.format(line=line, count=self.violation_count))
        )
        self._close_declaration()
        self._envoi = None

    def _report(self, violations: list[Violation]) -> None:
        for violation in violations:
            self._violation(violation.line, violation.rubrique, violation.reason)

    # --- blocks --------------------------------------------------------------------------

    def _on_block(self, block: str | None, fields: dict, line: int, pending: list) -> None:
        if block is None:  # line violations only, their block not known yet
            self._report(pending)
            return
        if block[:3] in _ENVELOPE_PREFIXES:
            self._on_envelope(block, fields, line)
            self._report(pending)
            return
        envoi = self._envoi
        if block == "S10.G00.00":
            self._close_declaration()
            self._close_to(None)
            version = fields.get("006", ("", line))[0]
            envoi = self._envoi = Envoi(line, self.dictionary.norm(version))
            if envoi.norm is None:
                self._block_checks = None
                envoi.violations.append(
                    Violation(
                        fields.get("006", ("", line))[1],
                        "S10.G00.00.006",
                        f"Version de norme « {version} » non prise en charge "
                        f"(normes connues : {', '.join(sorted(self.dictionary.norms))}).",
                    )
                )
            else:
                self._block_checks = self._checks.setdefault(envoi.norm.version, {})
        elif envoi is None:
            self._violation(line, block, "Bloc hors d'un envoi : S10.G00.00 attendu d'abord.")
            self._report(pending)
            return
        envoi.rubriques += len(fields)
        if block == "S20.G00.05":
            self._close_to(None)
            self._close_declaration()
            self._start_declaration(fields, line)
        if pending:
            self._report(pending)
        self._structure(block, line)
        if self._block_checks is not None:
            self._check_fields(block, fields)
        if block not in self._individual_blocks and self._individual is not None:
            self._close_individual()
        handler = _HANDLERS.get(block)
        if handler is not None:
            handler(self, fields, line)

    # --- declarations --------------------------------------------------------------------

    def _start_declaration(self, fields: dict, line: int) -> None:
        self._declarations += 1
        envoi = self._envoi
        envoi.declarations += 1
        declaration = Declaration(
            index=self._declarations,
            line=line,
            norm_version=envoi.norm.version if envoi.norm else "",
            nature=fields.get("001", ("", 0))[0],
            _next_event=self._next_event,
        )
        declaration.emitter_siren, declaration.emitter_name = envoi.emitter
        for violation in envoi.violations:
            declaration.add(violation)
        self._declaration = declaration
        self._nirs = set()
        self._events.append(("declaration", declaration))

    def _close_individual(self) -> None:
        self._close_hours()
        if self._individual is not None:
            self._events.append(("individual", self._individual))
            self._declaration.individual_count += 1
            self._individual = self._contract = None

    def _close_hours(self) -> None:
        self._hours = None

    def _close_declaration(self) -> None:
        self._close_individual()
        if self._declaration is not None and not self._declaration.closed:
            self._close_to("S20.G00.05")
            if self._stack and self._stack[-1].block == "S20.G00.05":
                self._stack_blocks.pop()
                self._close_open(self._stack.pop())
            self._events.append(("end", self._declaration))
            self._declaration.closed = True

    def _finish(self) -> None:
        self._close_declaration()
        self._close_to(None)
        if self._envoi is not None and not self._envoi.closed:
            self._violation(self.lines, "S90.G00.90", "Fin de fichier sans bloc S90 (total).")
        if self.has_envelope and not self._lot_closed:
            self._violation(self.lines, "S95.G51.00", "Enveloppe sans fin de lot (S95).")
        self._envoi = None

    # --- handlers ------------------------------------------------------------------------

    def _on_envoi_emitter(self, fields, line):
        self._envoi.emitter = (fields.get("001", ("", 0))[0], fields.get("003", ("", 0))[0])

    def _on_declaration(self, fields, line):
        self._declaration.month = self._date(fields, "005", "S20.G00.05.005")

    def _on_company(self, fields, line):
        declaration = self._declaration
        if declaration is None:
            return
        declaration.siren = fields.get("001", ("", 0))[0]
        declaration.naf = fields.get("003", ("", 0))[0]
        if declaration.siren and not siren_ok(declaration.siren):
            self._control(
                fields["001"][1], "S21.G00.06.001", "CSL", "Le SIREN ne respecte pas la clé."
            )

    def _on_establishment(self, fields, line):
        declaration = self._declaration
        if declaration is None:
            return
        declaration.nic = fields.get("001", ("", 0))[0]
        declaration.establishment_naf = fields.get("002", ("", 0))[0]
        siret = declaration.siret
        if siret and not siret_ok(siret):
            self._control(
                fields["001"][1], "S21.G00.11.001", "CSL", "Le NIC ne respecte pas la clé."
            )

    def _on_individual(self, fields, line):
        self._close_individual()
        if self._declaration is None:
            return  # out of any declaration (after S90…): reported by the structure check
        value = {number: item[0] for number, item in fields.items()}
        individual = Individual(
            line=line,
            nir=value.get("001", ""),
            birth_name=value.get("002", ""),
            usage_name=value.get("003", ""),
            first_names=value.get("004", ""),
            sex=value.get("005", ""),
            birth_date=value.get("006", ""),
            birth_place=value.get("007", ""),
            birth_department=value.get("014", ""),
            birth_country=value.get("015", ""),
            temporary_number=value.get("020", ""),
        )
        birth = individual.birth_date
        if len(birth) == 8 and ascii_digits(birth) and "99" not in (birth[:2], birth[2:4]):
            try:
                datetime.date(int(birth[4:]), int(birth[2:4]), int(birth[:2]))
            except ValueError:
                self._control(
                    fields["006"][1], "S21.G00.30.006", "CSL", "Date de naissance invalide."
                )
        if individual.nir:
            if individual.nir in self._nirs:
                self._control(
                    fields["001"][1], "S21.G00.30.001", "CCH-14", "NIR déclaré deux fois."
                )
            self._nirs.add(individual.nir)
        self._individual = individual
        self._contract_numbers = set()

    def _on_contract(self, fields, line):
        if self._individual is None:
            return
        value = {number: item[0] for number, item in fields.items()}
        contract = Contract(
            line=line,
            start_date=self._date(fields, "001", "S21.G00.40.001"),
            pcs_ese=value.get("004", ""),
            job_title=value.get("006", ""),
            nature=value.get("007", ""),
            number=value.get("009", ""),
            quotity_unit=value.get("011", ""),
            reference_quotity=self._decimal(fields, "012"),
            working_time_quotity=self._decimal(fields, "013"),
        )
        if contract.number:
            if contract.number in self._contract_numbers:
                self._control(
                    fields["009"][1], "S21.G00.40.009", "CCH-12", "Numéro de contrat en double."
                )
            self._contract_numbers.add(contract.number)
        birth = self._individual.birth_date
        born = ascii_int(birth[4:]) if len(birth) == 8 else None
        if contract.start_date and born and contract.start_date.year < born:
            self._control(line, "S21.G00.40.001", "CCH-15", "Contrat commencé avant la naissance.")
        self._individual.contracts.append(contract)
        self._contract = contract

    def _on_contract_end(self, fields, line):
        contract = self._contract
        if contract is None:
            return
        contract.end_date = self._date(fields, "001", "S21.G00.62.001")
        contract.end_reason = fields.get("002", ("", 0))[0]
        contract.end_line = line
        if contract.end_date and contract.start_date and contract.end_date < contract.start_date:
            self._control(
                fields["001"][1],
                "S21.G00.40.001",
                "CCH-13",
                "La date de fin du contrat précède sa date de début.",
            )

    def _on_remuneration(self, fields, line):
        individual = self._individual
        if individual is None:
            return
        number = fields.get("010", ("", 0))[0]
        if number and number not in self._contract_numbers:
            self._control(
                fields["010"][1],
                "S21.G00.51.010",
                "CCH-11",
                "Rémunération rattachée à un contrat non déclaré.",
            )
        self._hours = None
        if fields.get("011", ("", 0))[0] != "002":
            return  # hours for CPF rights: the remuneration used for unemployment insurance
        start = self._date(fields, "001", "S21.G00.51.001")
        end = self._date(fields, "002", "S21.G00.51.002")
        self._hours = [line, number, start, end]
        hours = self._decimal(fields, "012")
        if hours is not None:  # norms before 2024; since, hours go in S21.G00.53
            individual.hours.append(Hours(line, number, start, end, hours))

    def _on_activity(self, fields, line):
        if self._hours is None or self._individual is None:
            return
        kind = fields.get("001", ("", 0))[0]
        unit = fields.get("003", ("", 0))[0]
        measure = self._decimal(fields, "002")
        if kind == "01" and unit == "10" and measure is not None:  # paid work, in hours
            _line, number, start, end = self._hours
            self._individual.hours.append(Hours(line, number, start, end, measure))


_HANDLERS = {
    "S10.G00.01": DsnReader._on_envoi_emitter,
    "S20.G00.05": DsnReader._on_declaration,
    "S21.G00.06": DsnReader._on_company,
    "S21.G00.11": DsnReader._on_establishment,
    "S21.G00.30": DsnReader._on_individual,
    "S21.G00.40": DsnReader._on_contract,
    "S21.G00.62": DsnReader._on_contract_end,
    "S21.G00.51": DsnReader._on_remuneration,
    "S21.G00.53": DsnReader._on_activity,
    "S90.G00.90": DsnReader._on_total,
}
