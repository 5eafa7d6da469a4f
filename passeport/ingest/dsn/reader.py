"""Streaming reader and validator for DSN files.

One rubrique per line, `Sxx.Gxx.xx.xxx,'value'`, ISO-8859-1 or UTF-8 (detected line by
line: the first non-ASCII line decides, a later line in the other encoding is an error),
LF or CRLF, with or without the deposit envelope (S05/S06 … S96/S95), several envois
(S10 … S90) and several declarations (S20) per file.

The file is read one line at a time and grouped into block instances (a block starts
again when its rubrique numbers stop increasing, as the cahier technique says). Each
declaration is handed out as soon as its header is read, and its individuals one by one
(`Declaration.individuals()`), so that memory does not grow with the file. Violations are
attached to the declaration they occur in (so that the loader can reject it whole), to the
envoi header (rejecting every declaration of the envoi) or to the file.

Checks: line syntax, encoding, rubriques known to the declared norm, formats (dictionary
regexes, lengths, enumerations), block parents, sibling order and cardinalities (Blocks
sheet), the rubriques the extraction needs, calendar dates, unique NIR per establishment
(S21.G00.30.001/CCH-14), unique contract number per individual (S21.G00.40.009/CCH-12),
remunerations pointing at a declared contract (S21.G00.51.010/CCH-11), envoi and envelope
totals. Messages quote the dictionary's control (`id : texte`) where one applies. A value
is never quoted for the NIR rubriques.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import dictionary as dsn_dictionary

SUPPORTED_NATURES = {"01": "DSN mensuelle", "07": "Signalement fin de contrat de travail unique"}
_CHUNK = 1 << 20  # bytes read at a time
# Values found valid are remembered per rubrique (up to this many each), so that a value
# seen before (codes, dates, amounts) is not checked again; never for the NIR rubriques.
_KNOWN_VALUES = 2048
MAX_VIOLATIONS = 200  # per declaration: enough to act on, bounded memory on a broken file
SENSITIVE = frozenset({"S21.G00.30.001", "S21.G00.31.008", "S21.G00.30.020"})
# What the extraction cannot do without (the dictionary has no "mandatory" column).
REQUIRED = {
    "S10.G00.00": ("006",),
    "S20.G00.05": ("001", "005"),
    "S21.G00.06": ("001",),
    "S21.G00.11": ("001",),
    "S21.G00.30": ("002", "004", "005", "006"),
    "S21.G00.40": ("001", "007", "009"),
    "S21.G00.62": ("001", "002"),
}


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
        return int(self.birth_date[4:]) if len(self.birth_date) == 8 else None

    @property
    def birth_month(self) -> int | None:
        month = self.birth_date[2:4]
        return int(month) if month.isdigit() and month != "99" else None


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
    _reader: DsnReader | None = field(default=None, repr=False)

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
        reader = self._reader
        while not self.closed and reader is not None:
            event = reader._next_event()
            if event is None:
                return
            kind, item = event
            if kind == "individual":
                yield item
            elif kind == "end":
                return


@dataclass
class _Envoi:
    line: int
    norm: dsn_dictionary.Norm | None = None
    violations: list[Violation] = field(default_factory=list)
    rubriques: int = 0
    declarations: int = 0
    emitter: tuple[str, str] = ("", "")  # SIREN, name (S10.G00.01.001, .003)
    closed: bool = False


class _Open:
    """A block instance on the structure stack (one per block read: a plain dict of child
    counts, not a Counter, whose construction showed in profiles)."""

    __slots__ = ("block", "children", "last_child", "line")

    def __init__(self, block: str, line: int):
        self.block = block
        self.line = line
        self.children: dict[str, int] = {}
        self.last_child = ""


class _RubriqueCheck:
    """What checking one rubrique of a norm needs, looked up once per norm (not one
    f-string and two dictionary lookups per value)."""

    __slots__ = ("rubrique", "seen", "sensitive", "spec")

    def __init__(self, rubrique: str, spec: dsn_dictionary.FieldSpec | None):
        self.rubrique = rubrique
        self.spec = spec
        self.sensitive = rubrique in SENSITIVE
        # Values found valid (up to _KNOWN_VALUES); never remembered for a NIR rubrique.
        self.seen: set[str] | None = None if self.sensitive or spec is None else set()


class DsnReader:
    def __init__(self, path: str | Path, *, dictionary: dsn_dictionary.Dictionary | None = None):
        self.path = Path(path)
        self.dictionary = dictionary or dsn_dictionary.load()
        self.file_violations: list[Violation] = []
        self.encoding = "ascii"
        self.lines = 0
        self.bytes_read = 0
        self.has_envelope = False
        self._events: deque = deque()
        self._source = self._block_instances()
        self._declaration: Declaration | None = None
        self._declarations = 0
        self._envoi: _Envoi | None = None
        self._stack: list[_Open] = []
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
        self._checks: dict[str, dict[str, dict[str, _RubriqueCheck]]] = {}
        self._block_checks: dict[str, dict[str, _RubriqueCheck]] | None = None  # the envoi's
        self._mandatory: dict[tuple, dict[str, tuple]] = {}  # (norm, nature) -> block -> …
        self._mandatory_for: tuple = (None, None, {})  # declaration, envoi, their table
        self._blocks = self.dictionary.blocks
        self._individual_blocks = self.dictionary.individual_blocks

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
            instance = next(self._source, None)
            if instance is None:
                self._finish()
                if not self._events:
                    return None
                break
            self._on_block(*instance)
        return self._events.popleft()

    # --- lines ---------------------------------------------------------------------------

    def _texts(self) -> Iterator[tuple[int, list]]:
        """(first line number, lines) per chunk of the file: the lines as texts when the
        chunk is ASCII (the common case, decoded at once), else as (text, reason the line
        cannot be read or "") pairs."""
        decided = None  # "utf-8" or "iso-8859-1" once a non-ASCII line was seen
        with self.path.open("rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                self.file_violations.append(
                    Violation(
                        1,
                        "",
                        "Encodage non pris en charge (UTF-16 ?) : une DSN est en ISO-8859-1 "
                        "ou en UTF-8.",
                    )
                )
                return
            number = 0
            rest = b""
            while True:
                chunk = handle.read(_CHUNK)
                if chunk:
                    data = rest + chunk
                    cut = data.rfind(b"\n") + 1
                    if not cut:
                        rest = data
                        continue
                    data, rest = data[:cut], data[cut:]
                elif rest:
                    data, rest = rest, b""
                else:
                    return
                self.bytes_read += len(data)
                raws = data.split(b"\n")
                if not raws[-1]:
                    raws.pop()
                if number == 0 and raws and raws[0].startswith(b"\xef\xbb\xbf"):
                    raws[0], decided, self.encoding = raws[0][3:], "utf-8", "utf-8"
                    data = None
                first = number + 1
                number += len(raws)
                self.lines = number
                text = None
                if data is not None:
                    text, decided = _decode_chunk(data, decided)
                if text is not None:
                    if decided is not None:
                        self.encoding = decided
                    if "\r" not in text:
                        texts = text.split("\n")
                    elif text.count("\r") == text.count("\r\n") == text.count("\n"):
                        texts = text.split("\r\n")  # CRLF throughout: no `rstrip` per line
                    else:
                        texts = [line.rstrip("\r") for line in text.split("\n")]
                    if not texts[-1]:
                        texts.pop()
                    yield first, texts
                    continue
                lines = []
                for raw in raws:
                    raw = raw.rstrip(b"\r\n")
                    if raw.isascii():
                        lines.append((raw.decode("ascii"), ""))
                        continue
                    try:
                        text, encoding = raw.decode("utf-8"), "utf-8"
                    except UnicodeDecodeError:
                        text, encoding = raw.decode("iso-8859-1"), "iso-8859-1"
                    if decided is None:
                        decided = self.encoding = encoding
                    if decided != encoding:
                        reason = (
                            f"Ligne en {encoding.upper()} dans un fichier en {decided.upper()} "
                            "(encodage mixte)."
                        )
                    elif any("\x80" <= char <= "\x9f" or char < " " for char in text):
                        reason = (
                            "Caractère de contrôle ou hors ISO-8859-1 (fichier en Windows-1252 ?)."
                        )
                    else:
                        reason = ""
                    lines.append((text, reason))
                yield first, lines

    def _block_instances(self):
        """(block, {field: (value, line)}, first line, line violations) per block instance."""
        block, fields, first, last_field, pending = None, {}, 0, "", []
        for start, lines in self._texts():
            number = start - 1
            for line in lines:
                number += 1
                if line.__class__ is str:
                    text, reason = line, ""
                    # A well-formed line (nearly all of them), checked in one expression
                    # (one-character indexes: no new string, unlike a slice).
                    if (
                        len(text) > 16
                        and text[14] == ","
                        and text[15] == "'"
                        and text[-1] == "'"
                        and text[0] == "S"
                        and text[3] == "."
                        and text[10] == "."
                    ):
                        name, number_in_block = text[:10], text[11:14]
                        if name != block or number_in_block <= last_field:
                            if block is not None:
                                yield block, fields, first, pending
                                pending = []
                            block, fields, first = name, {}, number
                        fields[number_in_block] = (text[16:-1], number)
                        last_field = number_in_block
                        continue
                else:
                    text, reason = line
                if not reason and not text.strip():
                    continue
                rubrique = text[:14]
                if not reason and (
                    len(text) < 17
                    or text[14:16] != ",'"
                    or text[-1] != "'"
                    or rubrique[0] != "S"
                    or rubrique[3] != "."
                    or rubrique[10] != "."
                ):
                    reason = "Ligne mal formée : attendu Sxx.Gxx.xx.xxx,'valeur'."
                if reason:
                    shown = rubrique if rubrique[:1] == "S" and rubrique[3:4] == "." else ""
                    pending.append(Violation(number, shown, reason))
                    continue
                name, number_in_block = rubrique[:10], rubrique[11:]
                if name != block or number_in_block <= last_field:
                    if block is not None:
                        yield block, fields, first, pending
                        pending = []
                    block, fields, first = name, {}, number
                fields[number_in_block] = (text[16:-1], number)
                last_field = number_in_block
        if block is not None:
            yield block, fields, first, pending
        elif pending:
            self.file_violations.extend(pending)

    # --- violations ----------------------------------------------------------------------

    def _violation(self, line: int, rubrique: str, reason: str, control: str = "") -> None:
        violation = Violation(line, rubrique, reason, control)
        if self._declaration is not None and not self._declaration.closed:
            self._declaration.add(violation)
        elif self._envoi is not None and rubrique.startswith("S10"):
            self._envoi.violations.append(violation)
        else:
            self.file_violations.append(violation)

    def _report(self, violations: list[Violation]) -> None:
        for violation in violations:
            self._violation(violation.line, violation.rubrique, violation.reason)

    def _control(self, line: int, rubrique: str, kind: str, fallback: str) -> None:
        control = self.dictionary.control(rubrique, kind)
        if control:
            self._violation(line, rubrique, self.dictionary.quote(control), control)
        else:
            self._violation(line, rubrique, fallback)

    # --- blocks --------------------------------------------------------------------------

    def _on_block(self, block: str, fields: dict, line: int, pending: list) -> None:
        if block[:3] in _ENVELOPE_PREFIXES:
            self._on_envelope(block, fields, line)
            self._report(pending)
            return
        envoi = self._envoi
        if block == "S10.G00.00":
            self._close_declaration()
            self._close_to(None)
            version = fields.get("006", ("", line))[0]
            envoi = self._envoi = _Envoi(line, self.dictionary.norm(version))
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

    def _structure(self, block: str, line: int) -> None:
        spec = self._blocks.get(block)
        if spec is None:
            self._violation(line, block, f"Bloc {block} inconnu du cahier technique.")
            return
        parent = spec.parent
        stack = self._stack
        if parent is None:
            self._close_to(None)
        elif not stack or (stack[-1].block != parent and parent not in self._stack_blocks):
            self._violation(
                line,
                block,
                f"Le bloc {block} ({spec.name}) doit se trouver dans un bloc {parent} "
                f"({self._name(parent)}).",
            )
            return
        else:
            top = stack[-1]
            if top.block != parent:
                self._close_to(parent)
                top = stack[-1]
            if block < top.last_child:
                self._violation(
                    line,
                    block,
                    f"Bloc {block} après le bloc {top.last_child} : ordre des blocs non respecté.",
                )
            else:
                top.last_child = block
            children = top.children
            count = children[block] = children.get(block, 0) + 1
            if spec.upper is not None and count > spec.upper:
                self._violation(
                    line,
                    block,
                    f"Le bloc {block} ({spec.name}) figure au plus {spec.upper} fois dans son "
                    f"bloc {parent} ({self._name(parent)}).",
                )
        stack.append(_Open(block, line))
        self._stack_blocks.append(block)

    def _close_to(self, parent: str | None) -> None:
        stack = self._stack
        blocks = self._stack_blocks
        while stack and stack[-1].block != parent:
            blocks.pop()
            self._close_open(stack.pop())

    def _close_open(self, open_: _Open) -> None:
        declaration, envoi = self._declaration, self._envoi
        if declaration is None or envoi is None or not envoi.norm:
            return
        # The mandatory children per block for this declaration's norm and nature, looked
        # up again only when the declaration or the envoi changes.
        owner_declaration, owner_envoi, table = self._mandatory_for
        if owner_declaration is not declaration or owner_envoi is not envoi:
            key = (envoi.norm.version, declaration.nature)
            table = self._mandatory.get(key)
            if table is None:
                table = self._mandatory[key] = {}
            self._mandatory_for = (declaration, envoi, table)
        block = open_.block
        mandatory = table.get(block)
        if mandatory is None:
            mandatory = table[block] = self._mandatory_children(
                envoi.norm, declaration.nature, block
            )
        children = open_.children
        for child, spec in mandatory:
            if children.get(child, 0) < spec.lower:
                self._violation(
                    open_.line,
                    block,
                    f"Le bloc {block} ({self._name(block)}) doit contenir au moins "
                    f"{spec.lower} bloc {child} ({spec.name}).",
                )

    def _mandatory_children(self, norm, nature: str, block: str) -> tuple:
        """(child, spec) of the children `block` must contain in a declaration of `nature`."""
        nature_blocks = norm.nature_blocks.get(nature)
        if not nature_blocks or block not in nature_blocks:
            return ()
        return tuple(
            (child, self.dictionary.blocks[child])
            for child in self._children(block)
            if self.dictionary.blocks[child].lower and child in nature_blocks
        )

    def _children(self, block: str) -> list[str]:
        cache = self.__dict__.setdefault("_children_cache", {})
        if block not in cache:
            cache[block] = [b for b, s in self.dictionary.blocks.items() if s.parent == block]
        return cache[block]

    def _name(self, block: str) -> str:
        spec = self.dictionary.blocks.get(block)
        return spec.name if spec else block

    def _check_fields(self, block: str, fields: dict) -> None:
        checks_by_block = self._block_checks
        checks = checks_by_block.get(block)
        if checks is None:
            checks = checks_by_block[block] = {}
        for number, (value, line) in fields.items():
            check = checks.get(number)
            if check is None:
                rubrique = f"{block}.{number}"
                check = checks[number] = _RubriqueCheck(
                    rubrique, self._envoi.norm.fields.get(rubrique)
                )
            seen = check.seen
            if seen is not None and value in seen:
                continue
            spec, rubrique = check.spec, check.rubrique
            if spec is None:
                self._violation(
                    line,
                    rubrique,
                    f"Rubrique {rubrique} inconnue de la norme {self._envoi.norm.version}.",
                )
            elif not value:
                self._violation(line, rubrique, f"{spec.label} : valeur vide interdite.")
            elif not spec.min_length <= len(value) <= spec.max_length:
                self._control(
                    line,
                    rubrique,
                    "CSL",
                    f"{spec.label} : longueur {len(value)} hors de {spec.min_length} à "
                    f"{spec.max_length} caractères.",
                )
            elif spec.values is not None and value not in spec.values:
                shown = "" if check.sensitive else f" « {value} »"
                self._control(line, rubrique, "CRE", f"{spec.label} : valeur{shown} non autorisée.")
            elif spec.pattern is not None and spec.pattern.fullmatch(value) is None:
                shown = "" if check.sensitive else f" « {value} »"
                self._control(line, rubrique, "CSL", f"{spec.label} : format{shown} invalide.")
            elif seen is not None and len(seen) < _KNOWN_VALUES:
                seen.add(value)
        required = REQUIRED.get(block)
        if required:
            for number in required:
                if number not in fields:
                    rubrique = f"{block}.{number}"
                    specs = self._envoi.norm.fields
                    label = specs[rubrique].label if rubrique in specs else rubrique
                    first_line = min(line for _value, line in fields.values())
                    self._violation(
                        first_line, rubrique, f"Rubrique obligatoire absente : {label}."
                    )

    def _date(self, fields: dict, number: str, rubrique: str) -> datetime.date | None:
        item = fields.get(number)
        if item is None:
            return None
        value, line = item
        if len(value) != 8 or not value.isdigit():
            return None  # already reported by the format check
        try:
            return datetime.date(int(value[4:8]), int(value[2:4]), int(value[:2]))
        except ValueError:
            self._control(line, rubrique, "CSL", "Date invalide : ce jour n'existe pas.")
            return None

    def _decimal(self, fields: dict, number: str) -> decimal.Decimal | None:
        item = fields.get(number)
        if item is None:
            return None
        try:
            return decimal.Decimal(item[0])
        except decimal.InvalidOperation:
            return None  # already reported by the format check

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
            _reader=self,
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
        if declaration.siren and not _luhn_ok(declaration.siren):
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
        if siret and not _siret_ok(siret):
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
        if len(birth) == 8 and birth.isdigit() and "99" not in (birth[:2], birth[2:4]):
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
        born = int(birth[4:]) if len(birth) == 8 and birth[4:].isdigit() else None
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

    def _on_total(self, fields, line):
        self._close_declaration()
        envoi = self._envoi
        expected_rubriques = fields.get("001", ("", 0))[0]
        expected_dsn = fields.get("002", ("", 0))[0]
        if expected_rubriques.isdigit() and int(expected_rubriques) != envoi.rubriques:
            self._violation(
                line,
                "S90.G00.90.001",
                f"Nombre total de rubriques annoncé {int(expected_rubriques)}, "
                f"{envoi.rubriques} lues.",
            )
        if expected_dsn.isdigit() and int(expected_dsn) != envoi.declarations:
            self._violation(
                line,
                "S90.G00.90.002",
                f"Nombre de déclarations annoncé {int(expected_dsn)}, {envoi.declarations} lues.",
            )
        self._envelope_dsn += 1
        self._group_dsn += 1
        envoi.closed = True
        self._close_to(None)
        self._declaration = None

    # --- envelope ------------------------------------------------------------------------

    def _on_envelope(self, block: str, fields: dict, line: int) -> None:
        self._close_declaration()
        self._close_to(None)
        self._declaration = None
        norm = self.dictionary.envelope
        for number, (value, value_line) in fields.items():
            rubrique = f"{block}.{number}"
            spec = norm.fields.get(rubrique)
            if spec is None:
                self._violation(value_line, rubrique, f"Rubrique {rubrique} inconnue.")
            elif not value or len(value) > spec.max_length:
                self._violation(value_line, rubrique, f"{spec.label} : valeur invalide.")
        if block == "S05.G51.00":
            self.has_envelope = True
            self._envelope_groups = 0
        elif not self.has_envelope:
            self._violation(line, block, "Bloc d'enveloppe sans en-tête de lot (S05).")
        elif block == "S06.G51.00":
            self._envelope_groups += 1
            self._group_dsn = 0
        elif block == "S96.G51.00":
            announced = fields.get("002", ("", 0))[0]
            if announced.isdigit() and int(announced) != self._group_dsn:
                self._violation(
                    line,
                    "S96.G51.00.002",
                    f"Nombre de DSN du groupe annoncé {int(announced)}, {self._group_dsn} lues.",
                )
        elif block == "S95.G51.00":
            self._lot_closed = True
            announced = fields.get("002", ("", 0))[0]
            if announced.isdigit() and int(announced) != self._envelope_groups:
                self._violation(
                    line,
                    "S95.G51.00.002",
                    f"Nombre de groupes annoncé {int(announced)}, {self._envelope_groups} lus.",
                )


_ENVELOPE_PREFIXES = frozenset(("S05", "S06", "S95", "S96"))
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


# What makes a chunk need the line by line path: a character the per-line check flags
# (C0 control, C1 control), a carriage return inside a line; in ISO-8859-1, what could be a
# UTF-8 sequence (a line in UTF-8 in that chunk: mixed encodings). Checked on the bytes with
# `bytes.translate` (keeping only the bytes that may matter) and `count`, a few times faster
# than one regex over the decoded text (its `\r(?!\n)` branch is tried at every position).
_C0 = bytes(b for b in range(0x20) if b not in (0x0A, 0x0D))
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)
# C0 controls and 0x80–0xBF: in ISO-8859-1, C1 controls and every UTF-8 continuation byte.
_NOT_C0_OR_CONTINUATION = bytes(b for b in range(256) if b not in _C0 and not 0x80 <= b <= 0xBF)
_C1_IN_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_UTF8_SEQUENCE = re.compile(b"[\xc2-\xf4][\x80-\xbf]")


def _lone_carriage_return(data: bytes) -> bool:
    return data.count(b"\r") != data.count(b"\r\n")


def _decode_chunk(data: bytes, decided: str | None) -> tuple[str | None, str | None]:
    """(text, encoding decided) for a chunk of whole lines that reads as the per-line
    path would read it, line for line, without a reason on any line; (None, decided)
    when the chunk must go line by line."""
    if data.isascii():
        return data.decode("ascii"), decided
    if decided != "iso-8859-1":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            # Every line decodes as UTF-8: each non-ASCII line is UTF-8.
            if (
                data.translate(None, _NOT_C0)
                or _C1_IN_UTF8.search(data) is not None
                or _lone_carriage_return(data)
            ):
                return None, decided
            return text, "utf-8"
        if decided == "utf-8":
            return None, decided
    # Left: C0 controls and bytes 0x80–0xBF. Below 0xA0, a control (C0 or C1); a byte of
    # 0xA0–0xBF is a character (« ° …) unless it follows a UTF-8 lead byte.
    suspects = data.translate(None, _NOT_C0_OR_CONTINUATION)
    if suspects and (min(suspects) < 0xA0 or _UTF8_SEQUENCE.search(data) is not None):
        return None, decided
    if _lone_carriage_return(data):
        return None, decided
    return data.decode("iso-8859-1"), "iso-8859-1"


def _luhn_ok(digits: str) -> bool:
    from passeport.organisations.siret import SiretError, validate_siren

    try:
        validate_siren(digits)
    except SiretError:
        return False
    return True


def _siret_ok(siret: str) -> bool:
    from passeport.organisations.siret import SiretError, validate_siret

    try:
        validate_siret(siret)
    except SiretError:
        return False
    return True
