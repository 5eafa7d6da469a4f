"""The gap between a profile and a target job: what the holder covers (with the source
of each item), what is missing, core items first, grouped by macro-compétence and
domain, and a coverage figure with the way it is computed.

Coverage: each item of the job (savoir-faire, savoir-être, savoirs; the work contexts
are shown, not counted) weighs 2 when it is in the job's core (« cœur de métier »), 1
otherwise; the figure is the weight covered over the job's total weight. It is given
twice: with everything in the passport, and with guaranteed data only. A macro-compétence
of the job is covered by itself or by any compétence of the profile under it.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr

from passeport.referentials.enums import Centrality, SkillKind
from passeport.referentials.models import (
    RomeAppellation,
    RomeCode,
    RomeCompetenceArea,
    RomeContextLink,
    RomeSkillLink,
)

from .items import Evidence, Item, columns

WEIGHTS = {Centrality.CORE: 2, Centrality.EMERGING: 1, Centrality.OTHER: 1}
EXPLANATION = (
    "Chaque compétence et chaque savoir du métier compte pour 1, ceux du cœur de métier "
    "pour 2 ; le taux est la part de ce total que couvre votre passeport. Une "
    "macro-compétence est couverte par elle-même ou par une compétence plus précise qui "
    "en relève. Le taux « données garanties » ne compte que ce que prouvent des sources "
    "officielles (DSN, certificateurs, organismes de formation, Mon Compte Formation)."
)


class TargetNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Target:
    code: str
    label: str  # the appellation's, or the job's
    rome_label: str
    rome_id: int
    parent_code: str
    appellation_ogr: str = ""


def resolve(*, appellation: str = "", code: str = "") -> Target:
    """The target named by an appellation OGR code ("12029") or a ROME code ("F1702")."""
    if appellation:
        found = (
            RomeAppellation.objects.filter(ogr=str(appellation).strip())
            .values("ogr", "label", "rome_id", "rome__code", "rome__label", "rome__parent__code")
            .first()
        )
        if found:
            return Target(
                found["rome__code"],
                found["label"],
                found["rome__label"],
                found["rome_id"],
                found["rome__parent__code"] or "",
                found["ogr"],
            )
    elif code:
        found = (
            RomeCode.objects.filter(code=str(code).strip().upper())
            .values("id", "code", "label", "parent__code")
            .first()
        )
        if found:
            return Target(
                found["code"],
                found["label"],
                found["label"],
                found["id"],
                found["parent__code"] or "",
            )
    raise TargetNotFound("Métier introuvable dans le ROME.")


@dataclass
class Coverage:
    total: int = 0
    covered: int = 0
    guaranteed: int = 0
    core_total: int = 0
    core_covered: int = 0
    core_guaranteed: int = 0
    weight_total: int = 0
    weight_covered: int = 0
    weight_guaranteed: int = 0
    explanation: str = EXPLANATION

    @staticmethod
    def _percent(part, whole) -> int:
        return round(100 * part / whole) if whole else 0

    @property
    def percent(self) -> int:
        return self._percent(self.weight_covered, self.weight_total)

    @property
    def guaranteed_percent(self) -> int:
        return self._percent(self.weight_guaranteed, self.weight_total)

    @property
    def core_percent(self) -> int:
        return self._percent(self.core_covered, self.core_total)

    @property
    def missing(self) -> int:
        return self.total - self.covered


@dataclass
class Group:
    title: str
    domain: str = ""
    items: list[Item] = field(default_factory=list)

    @property
    def core_count(self) -> int:
        return sum(1 for item in self.items if item.is_core)


@dataclass
class Section:
    key: str
    title: str
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)


@dataclass
class Gap:
    target: Target
    items: list[Item]
    coverage: Coverage
    covered: list[Section]
    missing: list[Section]
    contexts: list[tuple[str, list[str]]]

    @property
    def missing_items(self) -> list[Item]:
        return sorted((i for i in self.items if not i.covered), key=lambda i: i.order)

    @property
    def missing_ids(self) -> set[int]:
        return {item.skill_id for item in self.items if not item.covered}


def compute(profile, target: Target) -> Gap:
    # The label of each item's domain in the competence tree, in the same query.
    domain = RomeCompetenceArea.objects.filter(
        code=Substr(OuterRef("skill__tree_code"), 1, 1)
    ).values("label")[:1]
    items = [
        _target_item(row)
        for row in RomeSkillLink.objects.filter(rome_id=target.rome_id)
        .annotate(domain=Subquery(domain))
        .values("centrality", "domain", *columns("skill__"))
        .order_by()
    ]
    cover = profile.covering()
    coverage = Coverage()
    for item in items:
        for found, via in cover.get(item.skill_id, ()):
            for evidence in found.evidences:
                if evidence not in item.evidences:
                    item.evidences.append(evidence)
            if via and not item.via:
                item.via = via
        weight = WEIGHTS[item.centrality]
        coverage.total += 1
        coverage.weight_total += weight
        coverage.core_total += item.is_core
        if item.covered:
            coverage.covered += 1
            coverage.weight_covered += weight
            coverage.core_covered += item.is_core
        if item.guaranteed:
            coverage.guaranteed += 1
            coverage.weight_guaranteed += weight
            coverage.core_guaranteed += item.is_core
    contexts = {}
    for category, label in (
        RomeContextLink.objects.filter(rome_id=target.rome_id)
        .values_list("context__category", "context__label")
        .order_by("context__category_code", "context__label")
    ):
        contexts.setdefault(category, []).append(label)
    return Gap(
        target=target,
        items=items,
        coverage=coverage,
        covered=sections([i for i in items if i.covered]),
        missing=sections([i for i in items if not i.covered]),
        contexts=list(contexts.items()),
    )


def _target_item(row) -> Item:
    item = Item.from_row(row, "skill__")
    item.centrality = row["centrality"]
    item.domain = row["domain"] or ""
    return item


SECTIONS = (
    (SkillKind.SAVOIR_FAIRE, "Savoir-faire"),
    (SkillKind.SAVOIR_ETRE, "Savoir-être professionnels"),
    (SkillKind.SAVOIR, "Savoirs"),
)


def sections(items: list[Item], domains: dict[str, str] | None = None) -> list[Section]:
    """Savoir-faire by macro-compétence (under their domain when its label is known),
    savoir-être together, savoirs by category; core items first in each group, groups
    holding core items first."""
    result = []
    for kind, title in SECTIONS:
        groups: dict[tuple, Group] = {}
        for item in items:
            if item.kind != kind:
                continue
            if kind == SkillKind.SAVOIR_FAIRE:
                name = item.label if item.is_macro else item.macro_label or "Autres savoir-faire"
                key = (item.tree_code, name)
                domain = item.domain or (domains or {}).get(item.tree_code[:1], "")
            elif kind == SkillKind.SAVOIR:
                key, name, domain = (item.category,), item.category or "Autres savoirs", ""
            else:
                key, name, domain = ("",), title, ""
            groups.setdefault(key, Group(name, domain)).items.append(item)
        for group in groups.values():
            group.items.sort(key=lambda i: i.order)
        ordered = sorted(
            groups.values(), key=lambda g: (-g.core_count, -len(g.items), g.domain, g.title)
        )
        if ordered:
            result.append(Section(kind, title, ordered))
    return result


def evidence_groups(item: Item) -> dict[bool, list[Evidence]]:
    """An item's evidences, guaranteed first."""
    return {
        True: [e for e in item.evidences if e.guaranteed],
        False: [e for e in item.evidences if not e.guaranteed],
    }
