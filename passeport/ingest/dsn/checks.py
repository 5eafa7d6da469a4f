"""The checks of a DSN's blocks, as the reader meets them (`BlockChecks`, mixed into
`reader.DsnReader`, whose state they read and to whose `_violation` they report):
structure (block parents, sibling order, cardinalities, mandatory children per norm and
nature, from the dictionary's Blocks sheet), rubriques (known to the declared norm,
formats, lengths, enumerations; per-norm tables built once, valid values remembered),
the rubriques the extraction needs, SIREN/SIRET keys, envoi and envelope totals.
Messages quote the dictionary's control (`id : texte`) where one applies; a value is
never quoted for the NIR rubriques."""

from __future__ import annotations

import datetime
import decimal

from passeport.core.digits import ascii_digits, ascii_int

from . import dictionary as dsn_dictionary

# Values found valid are remembered per rubrique (up to this many each), so that a value
# seen before (codes, dates, amounts) is not checked again; never for the NIR rubriques.
_KNOWN_VALUES = 2048
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


class OpenBlock:
    """A block instance on the structure stack (one per block read: a plain dict of child
    counts, not a Counter, whose construction showed in profiles)."""

    __slots__ = ("block", "children", "last_child", "line")

    def __init__(self, block: str, line: int):
        self.block = block
        self.line = line
        self.children: dict[str, int] = {}
        self.last_child = ""


class RubriqueCheck:
    """What checking one rubrique of a norm needs, looked up once per norm (not one
    f-string and two dictionary lookups per value)."""

    __slots__ = ("rubrique", "seen", "sensitive", "spec")

    def __init__(self, rubrique: str, spec: dsn_dictionary.FieldSpec | None):
        self.rubrique = rubrique
        self.spec = spec
        self.sensitive = rubrique in SENSITIVE
        # Values found valid (up to _KNOWN_VALUES); never remembered for a NIR rubrique.
        self.seen: set[str] | None = None if self.sensitive or spec is None else set()


class BlockChecks:
    """Checks of `DsnReader`: a mixin, for the reader's hot path calls them as its own
    methods (one attribute lookup, no object in between)."""

    def _control(self, line: int, rubrique: str, kind: str, fallback: str) -> None:
        control = self.dictionary.control(rubrique, kind)
        if control:
            self._violation(line, rubrique, self.dictionary.quote(control), control)
        else:
            self._violation(line, rubrique, fallback)

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
        stack.append(OpenBlock(block, line))
        self._stack_blocks.append(block)

    def _close_to(self, parent: str | None) -> None:
        stack = self._stack
        blocks = self._stack_blocks
        while stack and stack[-1].block != parent:
            blocks.pop()
            self._close_open(stack.pop())

    def _close_open(self, open_: OpenBlock) -> None:
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
                check = checks[number] = RubriqueCheck(
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

    # --- values: calendar dates, decimals ---------------------------------------------

    def _date(self, fields: dict, number: str, rubrique: str) -> datetime.date | None:
        item = fields.get(number)
        if item is None:
            return None
        value, line = item
        if len(value) != 8 or not ascii_digits(value):
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
        value = item[0]
        if not value.isascii():
            return None  # "٣" is a decimal for `Decimal`: reported by the format check
        try:
            return decimal.Decimal(value)
        except decimal.InvalidOperation:
            return None  # already reported by the format check

    # --- envoi and envelope totals ------------------------------------------------------

    def _on_total(self, fields, line):
        self._close_declaration()
        envoi = self._envoi
        # Not a number: said by the rubrique's format check.
        expected_rubriques = ascii_int(fields.get("001", ("", 0))[0])
        expected_dsn = ascii_int(fields.get("002", ("", 0))[0])
        if expected_rubriques is not None and expected_rubriques != envoi.rubriques:
            self._violation(
                line,
                "S90.G00.90.001",
                f"Nombre total de rubriques annoncé {expected_rubriques}, {envoi.rubriques} lues.",
            )
        if expected_dsn is not None and expected_dsn != envoi.declarations:
            self._violation(
                line,
                "S90.G00.90.002",
                f"Nombre de déclarations annoncé {expected_dsn}, {envoi.declarations} lues.",
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
            announced = self._announced(fields, "S96.G51.00.002")
            if announced is not None and announced != self._group_dsn:
                self._violation(
                    line,
                    "S96.G51.00.002",
                    f"Nombre de DSN du groupe annoncé {announced}, {self._group_dsn} lues.",
                )
        elif block == "S95.G51.00":
            self._lot_closed = True
            announced = self._announced(fields, "S95.G51.00.002")
            if announced is not None and announced != self._envelope_groups:
                self._violation(
                    line,
                    "S95.G51.00.002",
                    f"Nombre de groupes annoncé {announced}, {self._envelope_groups} lus.",
                )

    def _announced(self, fields: dict, rubrique: str) -> int | None:
        """An envelope count (the envelope has no format check of its own): ASCII digits,
        else the line is reported and the count not compared."""
        value, value_line = fields.get(rubrique[-3:], ("", 0))
        number = ascii_int(value)
        if value and number is None:
            self._violation(
                value_line,
                rubrique,
                "Nombre attendu, écrit avec les chiffres 0 à 9 : la valeur reçue n'en est pas un.",
            )
        return number


def siren_ok(digits: str) -> bool:
    from passeport.organisations.siret import SiretError, validate_siren

    try:
        validate_siren(digits)
    except SiretError:
        return False
    return True


def siret_ok(siret: str) -> bool:
    from passeport.organisations.siret import SiretError, validate_siret

    try:
        validate_siret(siret)
    except SiretError:
        return False
    return True
