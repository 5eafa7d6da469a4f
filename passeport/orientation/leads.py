"""Job leads and training leads.

Job leads: first the mobilities France Travail names from the jobs the holder held (in
its order), then the jobs sharing the most items with the profile, each with its
coverage (the gap's rule: core items weigh 2) and what it would still take. Training
leads: the RNCP/RS certifications preparing the target job (or its parent fiche) and
their blocs, ranked by how much of the gap they would close. Both are a fixed number of
queries: the overlap of a profile with every job is one aggregate over the link table,
read from the skills' side (`romeskilllink_by_skill`).
"""

from dataclasses import dataclass, field

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import NullIf

from passeport.core.bulk import field_in
from passeport.referentials.enums import Centrality, FicheKind
from passeport.referentials.models import BlocSkill, FicheRome, RomeMobility, RomeSkillLink

from . import sessions as session_sources
from .gap import WEIGHTS

MIN_SHARED = 3  # fewer items in common is not a lead


def weighted_percent(covered, core_covered, total, core_total) -> int:
    whole = total + core_total  # core items weigh 2: counted once more
    return round(100 * (covered + core_covered) / whole) if whole else 0


@dataclass
class JobLead:
    code: str
    label: str
    reason: str
    kind: str  # "mobility" or "overlap"
    total: int
    core_total: int
    covered: int = 0
    core_covered: int = 0

    @property
    def percent(self) -> int:
        return weighted_percent(self.covered, self.core_covered, self.total, self.core_total)

    @property
    def missing(self) -> int:
        return self.total - self.covered

    @property
    def core_missing(self) -> int:
        return self.core_total - self.core_covered


def overlap(profile, *, codes=None, top: int | None = None) -> dict[str, dict]:
    """ROME code → the number of its items the profile covers (`n`, `core`) and its
    totals: for the jobs `codes`, or the `top` jobs by coverage (ranked by the database,
    so that only they come back). One aggregate query over the links, from the skills'
    side."""
    skill_ids = set(profile.covering())
    if not skill_ids or (codes is not None and not codes):
        return {}
    links = RomeSkillLink.objects.filter(field_in(RomeSkillLink, "skill_id", sorted(skill_ids)))
    if codes is not None:
        links = links.filter(rome__code__in=codes)
    rows = (
        links.values("rome__code", "rome__label", "rome__item_count", "rome__core_count")
        .annotate(n=Count("id"), core=Count("id", filter=Q(centrality=Centrality.CORE)))
        .order_by()
    )
    if top:
        # The gap's rule: core items weigh 2 (counted once more, above and below).
        score = ExpressionWrapper(
            (F("n") + F("core"))
            * 1.0
            / NullIf(F("rome__item_count") + F("rome__core_count"), Value(0)),
            output_field=FloatField(),
        )
        rows = rows.annotate(score=score).order_by("-score", "-n", "rome__code")[:top]
    return {row["rome__code"]: row for row in rows}


def job_leads(profile, *, limit: int = 10) -> list[JobLead]:
    held = profile.held_codes
    leads, seen = [], set(held)
    mobilities = []
    if held:
        mobilities = list(
            RomeMobility.objects.filter(source__code__in=held)
            .values(
                "source__code",
                "source__label",
                "target__code",
                "target__label",
                "target__item_count",
                "target__core_count",
            )
            .order_by("rank", "source__code", "target__code")
        )
    shared = overlap(profile, codes={row["target__code"] for row in mobilities})
    for row in mobilities:
        code = row["target__code"]
        if code in seen or len(leads) >= limit:
            continue
        seen.add(code)
        shared_row = shared.get(code, {})
        leads.append(
            JobLead(
                code,
                row["target__label"],
                f"Métier proche de « {row['source__label']} », que vous avez exercé "
                "(mobilités professionnelles du ROME, France Travail).",
                "mobility",
                row["target__item_count"],
                row["target__core_count"],
                shared_row.get("n", 0),
                shared_row.get("core", 0),
            )
        )
    others = [
        JobLead(
            code,
            row["rome__label"],
            f"{row['n']} compétences et savoirs en commun avec votre profil, dont "
            f"{row['core']} du cœur de ce métier.",
            "overlap",
            row["rome__item_count"],
            row["rome__core_count"],
            row["n"],
            row["core"],
        )
        for code, row in overlap(profile, top=limit + len(seen)).items()
        if code not in seen and row["n"] >= MIN_SHARED
    ]
    return leads + others[:limit]


@dataclass
class BlocLead:
    code: str
    title: str
    items: list[str] = field(default_factory=list)


@dataclass
class TrainingLead:
    code: str
    title: str
    kind: str
    level: int | None
    reason: str
    covered: list = field(default_factory=list)  # gap items this certification covers
    blocs: dict[str, BlocLead] = field(default_factory=dict)
    sessions: list = field(default_factory=list)
    ids: set = field(default_factory=set, repr=False)

    def add(self, item) -> None:
        if item.skill_id not in self.ids:
            self.ids.add(item.skill_id)
            self.covered.append(item)

    @property
    def weight(self) -> int:
        return sum(WEIGHTS[item.centrality] for item in self.covered)

    @property
    def kind_label(self) -> str:
        return FicheKind(self.kind).label

    @property
    def core_count(self) -> int:
        return sum(1 for item in self.covered if item.is_core)

    @property
    def bloc_list(self) -> list[BlocLead]:
        return sorted(self.blocs.values(), key=lambda b: (-len(b.items), b.code))


@dataclass
class TrainingLeads:
    leads: list[TrainingLead]
    catalogue_available: bool
    gap_weight: int

    def percent(self, lead: TrainingLead) -> int:
        return round(100 * lead.weight / self.gap_weight) if self.gap_weight else 0


def training_leads(gap, profile, person=None, *, limit: int = 8) -> TrainingLeads:
    missing = {item.skill_id: item for item in gap.items if not item.covered}
    gap_weight = sum(WEIGHTS[item.centrality] for item in missing.values())
    source = session_sources.source()
    codes = [gap.target.code] + ([gap.target.parent_code] if gap.target.parent_code else [])
    candidates = {}
    for row in (
        FicheRome.objects.filter(rome_code__in=codes, fiche__active=True)
        .values(
            "fiche_id", "rome_code", "fiche__code", "fiche__title", "fiche__kind", "fiche__level"
        )
        .order_by("fiche__code")
    ):
        if row["fiche__code"] in profile.fiche_codes:
            continue  # already held
        candidates.setdefault(
            row["fiche_id"],
            TrainingLead(
                row["fiche__code"],
                row["fiche__title"],
                row["fiche__kind"],
                row["fiche__level"],
                f"Certification qui prépare au métier {row['rome_code']}.",
            ),
        )
    if not candidates or not missing:
        return TrainingLeads([], source.available, gap_weight)
    romes_of = {}
    for fiche_id, code in FicheRome.objects.filter(fiche_id__in=list(candidates)).values_list(
        "fiche_id", "rome_code"
    ):
        romes_of.setdefault(fiche_id, set()).add(code)
    # The core items of those certifications' jobs, read from the jobs' side (a handful
    # of codes, a dozen core items each) and kept when missing.
    core_of_rome = {}
    for code, skill_id in RomeSkillLink.objects.filter(
        rome__code__in={c for codes in romes_of.values() for c in codes},
        centrality=Centrality.CORE,
    ).values_list("rome__code", "skill_id"):
        if skill_id in missing:
            core_of_rome.setdefault(code, set()).add(skill_id)
    for fiche_id, code, title, skill_id in BlocSkill.objects.filter(
        field_in(BlocSkill, "skill_id", sorted(missing)), bloc__fiche_id__in=list(candidates)
    ).values_list("bloc__fiche_id", "bloc__code", "bloc__title", "skill_id"):
        lead = candidates[fiche_id]
        lead.blocs.setdefault(code, BlocLead(code, title)).items.append(missing[skill_id].label)
        lead.add(missing[skill_id])
    for fiche_id, lead in candidates.items():
        for code in romes_of.get(fiche_id, ()):
            for skill_id in core_of_rome.get(code, ()):
                lead.add(missing[skill_id])
        lead.covered.sort(key=lambda item: item.order)
    ranked = sorted(
        (lead for lead in candidates.values() if lead.covered),
        key=lambda lead: (-lead.weight, -len(lead.blocs), lead.kind != "RS", lead.code),
    )[:limit]
    if source.available and ranked:
        found = source.sessions_for(person, [lead.code for lead in ranked])
        for lead in ranked:
            lead.sessions = found.get(lead.code, [])
    return TrainingLeads(ranked, source.available, gap_weight)
