"""ROME items as orientation reads them: one set of columns fetched with every query
(so that no second query is needed for labels), and the evidence that puts an item in a
holder's profile."""

import functools
from dataclasses import dataclass, field

from passeport.referentials.enums import Centrality, SkillKind
from passeport.referentials.loaders.derived import roots

# The columns of RomeSkill every query brings along, relative to a prefix ("skill__").
_COLUMNS = (
    "id",
    "ogr",
    "label",
    "kind",
    "is_macro",
    "macro_id",
    "macro__label",
    "tree_code",
    "category",
    "subcategory",
)
CENTRALITY_ORDER = {Centrality.CORE: 0, Centrality.EMERGING: 1, Centrality.OTHER: 2}
# Words of labels about health and safety at work (first letters, as `roots` cuts them):
# which items of the jobs a prevention training names are transferable from it.
SAFETY_ROOTS = frozenset(
    {"securi", "preven", "risque", "secour", "protec", "hygien", "danger", "urgenc", "accide"}
    | {"incend", "evacua", "habili", "sauvet"}
)


def columns(prefix: str = "") -> list[str]:
    return [f"{prefix}{name}" for name in _COLUMNS]


@dataclass(frozen=True)
class Evidence:
    """Why an item is in a profile: the passport entry it comes from and the rule."""

    source: str  # EvidenceSource
    guaranteed: bool
    title: str  # the entry, as the holder knows it
    reason: str  # the rule, in plain French
    kind_slug: str = ""  # records.timeline slug of the entry, for a link
    public_id: str = ""


@dataclass
class Item:
    skill_id: int
    ogr: str
    label: str
    kind: str
    is_macro: bool
    macro_id: int | None
    macro_label: str
    tree_code: str
    category: str
    subcategory: str
    centrality: str = Centrality.OTHER  # in a target job
    domain: str = ""  # its domain in the competence tree, when the release labels it
    evidences: list[Evidence] = field(default_factory=list)
    via: str = ""  # the compétence through which a macro-compétence is covered

    @classmethod
    def from_row(cls, row: dict, prefix: str = "") -> "Item":
        get = row.__getitem__
        return cls(
            skill_id=get(f"{prefix}id"),
            ogr=get(f"{prefix}ogr"),
            label=get(f"{prefix}label"),
            kind=get(f"{prefix}kind"),
            is_macro=get(f"{prefix}is_macro"),
            macro_id=get(f"{prefix}macro_id"),
            macro_label=get(f"{prefix}macro__label") or "",
            tree_code=get(f"{prefix}tree_code"),
            category=get(f"{prefix}category"),
            subcategory=get(f"{prefix}subcategory"),
        )

    @property
    def covered(self) -> bool:
        return bool(self.evidences)

    @property
    def guaranteed(self) -> bool:
        return any(evidence.guaranteed for evidence in self.evidences)

    @property
    def is_core(self) -> bool:
        return self.centrality == Centrality.CORE

    @property
    def kind_label(self) -> str:
        if self.is_macro and self.kind == SkillKind.SAVOIR_FAIRE:
            return "Savoir-faire (macro-compétence)"
        return SkillKind(self.kind).label

    @property
    def centrality_label(self) -> str:
        return Centrality(self.centrality).label

    @property
    def order(self) -> tuple:
        return (CENTRALITY_ORDER[self.centrality], self.label)


@functools.lru_cache(maxsize=65536)
def is_safety(label: str) -> bool:
    """Labels are the referential's, the same for everyone: each is read once per
    process (a prevention training names the same few jobs in every passport)."""
    return bool(roots(label) & SAFETY_ROOTS)
