"""The DSN references a reader checks against, loaded once per process.

- The official dictionary (`dsn/dictionary_CT2024/`, norm P24V01): blocks with their parent
  and cardinalities, every rubrique's data type (regex, lengths, enumerations) and the 644
  control messages, quoted in reports by their id (`S21.G00.30.006/CSL-11`).
- The rubrique tables per norm (`dsn/norms/norm-P2xV01.yaml`, and the deposit envelope
  V01R02): which rubriques exist in each version, their length and enumerated values.

The norm tables are a plain, machine-generated YAML subset; a line-oriented reader is
enough and spares a YAML dependency. A rubrique absent from the CT2024 dictionary (added
by a later norm) is checked with its norm type and length only.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

ENVELOPE_VERSION = "V01R02"
# Blocks that open an envoi, a declaration and the envoi's footer (no parent in Blocks).
ROOT_BLOCKS = ("S10.G00.00", "S20.G00.05", "S90.G00.90")
ENVELOPE_BLOCKS = ("S05.G51.00", "S06.G51.00", "S96.G51.00", "S95.G51.00")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    rubrique: str
    label: str
    pattern: re.Pattern | None
    min_length: int
    max_length: int
    values: frozenset[str] | None  # enumerated values, None when free
    referential: bool = False  # external referential (NAF, PCS-ESE…): not enumerable here


@dataclass(frozen=True, slots=True)
class BlockSpec:
    block: str
    name: str
    parent: str | None
    lower: int
    upper: int | None  # None: unbounded


@dataclass
class Norm:
    version: str
    fields: dict[str, FieldSpec]
    # Blocks a declaration of each nature may contain (the norm's `natures` maps).
    nature_blocks: dict[str, frozenset[str]] = field(default_factory=dict)
    nature_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Dictionary:
    blocks: dict[str, BlockSpec]
    messages: dict[str, str]  # "S21.G00.30.006/CSL-11" -> message
    messages_by_rubrique: dict[str, list[str]]
    norms: dict[str, Norm]
    envelope: Norm
    # Blocks below S21.G00.30 (an individual's own blocks), computed from the parents.
    individual_blocks: frozenset[str] = frozenset()

    def norm(self, version: str) -> Norm | None:
        return self.norms.get(version)

    def control(self, rubrique: str, kind: str) -> str | None:
        """The first control of `kind` (CSL, CRE, CCH…) on `rubrique`, as `id : message`."""
        for name in self.messages_by_rubrique.get(rubrique, ()):
            if name.split("/", 1)[1].startswith(kind):
                return name
        return None

    def quote(self, control_id: str) -> str:
        return f"{control_id} : {self.messages[control_id]}"

    def descends_from(self, block: str, ancestor: str) -> bool:
        while block is not None:
            if block == ancestor:
                return True
            spec = self.blocks.get(block)
            block = spec.parent if spec else None
        return False


def data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "dsn"


@lru_cache(maxsize=1)
def load() -> Dictionary:
    """The dictionary and the norms, read and compiled once per process."""
    root = data_dir()
    dictionary_dir = root / "dictionary_CT2024"
    blocks = _read_blocks(dictionary_dir / "Blocks.csv")
    types = _read_types(dictionary_dir / "Data Types.csv")
    typed_fields = _read_fields(dictionary_dir / "Fields.csv")
    messages = _read_messages(dictionary_dir / "Messages.csv")
    by_rubrique: dict[str, list[str]] = {}
    for name in messages:
        by_rubrique.setdefault(name.split("/", 1)[0], []).append(name)
    norms = {}
    for path in sorted((root / "norms").glob("norm-P*.yaml")):
        norm = _read_norm(path, typed_fields, types)
        norms[norm.version] = norm
    envelope = _read_norm(root / "norms" / f"norm-{ENVELOPE_VERSION}.yaml", {}, {})
    dictionary = Dictionary(blocks, messages, by_rubrique, norms, envelope)
    dictionary.individual_blocks = frozenset(
        block for block in blocks if dictionary.descends_from(block, "S21.G00.30")
    )
    return dictionary


# --- the dictionary's CSV sheets ------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_blocks(path: Path) -> dict[str, BlockSpec]:
    blocks = {}
    for row in _read_csv(path):
        upper = row["upperBound"].strip()
        blocks[row["Id"]] = BlockSpec(
            row["Id"],
            row["Name"].strip(),
            row["ParentId"].strip() or None,
            int(row["lowerBound"] or 0),
            None if upper in ("*", "") else int(upper),
        )
    for root in ROOT_BLOCKS:
        blocks.setdefault(root, BlockSpec(root, root, None, 1, 1))
    blocks.setdefault("S10.G00.00", BlockSpec("S10.G00.00", "Envoi", None, 1, 1))
    return blocks


@dataclass(frozen=True, slots=True)
class _Type:
    nature: str
    pattern: re.Pattern | None
    min_length: int
    max_length: int
    values: frozenset[str] | None


def _read_types(path: Path) -> dict[str, _Type]:
    types = {}
    for row in _read_csv(path):
        regex = (row["Regexp"] or "").strip()
        values = None
        if row["Nature"] == "Enumeration" and row.get("Values"):
            values = frozenset(
                item.split("=", 1)[0].strip() for item in row["Values"].split(";") if "=" in item
            )
        types[row["Id"]] = _Type(
            row["Nature"],
            # Anchored alternatives: the dictionary's regexes are meant as whole-value matches.
            # ASCII: the formats mean 0–9 by `\d` (Unicode digits are no DSN value).
            re.compile(f"(?:{regex})", re.ASCII) if regex else None,
            int(row["Lg Min"] or 0),
            int(row["Lg Max"] or 0),
            values,
        )
    return types


def _read_fields(path: Path) -> dict[str, tuple[str, str]]:
    """rubrique -> (label, data type id)."""
    return {
        f"{row['Block Id']}.{row['Id']}": (row["Name"].strip(), row["DataType Id"].strip())
        for row in _read_csv(path)
    }


def _read_messages(path: Path) -> dict[str, str]:
    messages = {}
    for row in _read_csv(path):
        name = row["Name"].strip()
        if "/" in name:
            messages[name] = " ".join(row["Message"].split())
    return messages


# --- the norm tables (YAML subset) ---------------------------------------------------------

_FIELD_LINE = re.compile(r"^ {6}(S\d\d\.G\d\d\.\d\d\.\d\d\d):(.*)$")
_FLOW_LABEL = re.compile(r'label: "((?:[^"\\]|\\.)*)"')
_FLOW_TYPE = re.compile(r'type: "(\w)"')
_FLOW_LENGTH = re.compile(r"length: (\d+)")
_OPTION_LINE = re.compile(r'^ {10}(?:"([^"]+)"|([A-Za-z0-9_]+)): ')
_BLOCK_LINE = re.compile(r"^\s+(S\d\d\.G\d\d\.\d\d):")
_NATURE_LINE = re.compile(r'^ {2}"(\d\d)":\s*$')
_NATURE_LABEL = re.compile(r'^ {4}label: "(.*)"\s*$')


@dataclass
class _RawField:
    label: str = ""
    type: str = "X"
    length: int = 0
    options: list[str] = field(default_factory=list)


def _read_norm(path: Path, typed_fields, types) -> Norm:
    version = ""
    raw: dict[str, _RawField] = {}
    natures: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    section, current, in_options, nature = "", None, False, None
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if not line.startswith(" "):
                section = line.split(":", 1)[0]
                if section == "version":
                    version = line.split(":", 1)[1].strip().strip('"')
                continue
            if section == "segments":
                match = _FIELD_LINE.match(line)
                if match:
                    current, rest = _RawField(), match.group(2)
                    raw[match.group(1)] = current
                    in_options = False
                    if "{" in rest:
                        _flow(current, rest)
                    continue
                if current is None:
                    continue
                stripped = line.strip()
                indent = len(line) - len(stripped)
                if indent <= 4:
                    current, in_options = None, False
                elif indent == 8:
                    in_options = stripped == "options:"
                    key, _, value = stripped.partition(": ")
                    if key == "type":
                        current.type = value.strip('"')
                    elif key == "length":
                        current.length = int(value)
                    elif key == "label":
                        current.label = value.strip('"')
                elif in_options:
                    option = _OPTION_LINE.match(line)
                    if option:
                        current.options.append(option.group(1) or option.group(2))
            elif section == "natures":
                match = _NATURE_LINE.match(line)
                if match:
                    nature = match.group(1)
                    natures[nature] = set()
                    continue
                label = _NATURE_LABEL.match(line)
                if label and nature:
                    labels[nature] = label.group(1)
                    continue
                block = _BLOCK_LINE.match(line)
                if block and nature:
                    natures[nature].add(block.group(1))
    fields = {
        rubrique: _spec(rubrique, spec, typed_fields, types) for rubrique, spec in raw.items()
    }
    nature_blocks = {code: frozenset(blocks | {"S20.G00.05"}) for code, blocks in natures.items()}
    return Norm(version, fields, nature_blocks, labels)


def _flow(target: _RawField, text: str) -> None:
    label = _FLOW_LABEL.search(text)
    kind = _FLOW_TYPE.search(text)
    length = _FLOW_LENGTH.search(text)
    target.label = label.group(1) if label else ""
    target.type = kind.group(1) if kind else "X"
    target.length = int(length.group(1)) if length else 0


def _spec(rubrique: str, raw: _RawField, typed_fields, types) -> FieldSpec:
    label, type_id = typed_fields.get(rubrique, (raw.label, ""))
    data_type = types.get(type_id)
    # The norm's options are version-specific (a value added in P26V01 is valid there):
    # they win over the CT2024 enumeration.
    values = frozenset(raw.options) if raw.options else None
    if data_type is None:
        pattern = None
        if raw.type == "D":
            pattern = re.compile(r"(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])(19|20)[0-9]{2}")
        elif raw.type == "N":
            pattern = re.compile(r"-?[0-9]+(\.[0-9]+)?")
        return FieldSpec(rubrique, label, pattern, 1, raw.length or 10_000, values)
    if values is None:
        values = data_type.values
    return FieldSpec(
        rubrique,
        label,
        data_type.pattern,
        data_type.min_length or 1,
        data_type.max_length or raw.length or 10_000,
        values,
        referential=data_type.nature == "ExternalReferential",
    )
