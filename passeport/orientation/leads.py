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

from django.db import connection

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


def _in(column: str, values) -> tuple[str, list]:
    """`column IN (…)`: one array parameter on PostgreSQL, as `core.bulk.field_in`."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _overlap_rows(profile, *, codes=(), limit=0) -> list[tuple]:
    """(code, label, items, core items, covered, core covered) of jobs sharing items with
    the profile: the jobs `codes` first, then the `limit` best covered (the gap's rule:
    core items weigh 2), in one query. Hand-written SQL: grouping the links by job id
    alone, then joining the jobs, is what keeps it fast (grouping on the jobs' labels
    through the ORM cost four times as much on SQLite, ordering the ORM's aggregate
    fifteen times)."""
    skill_ids = sorted(profile.covering())
    if not skill_ids or not (codes or limit):
        return []
    skills, params = _in("l.skill_id", skill_ids)
    named, named_params = _in("r.code", sorted(codes) or [""])
    kept = f"{named} OR g.n >= %s" if limit else named
    score = "(g.n + g.core) * 1.0 / NULLIF(r.item_count + r.core_count, 0)"
    # Only placeholders and fixed SQL are interpolated here.
    sql = (
        "SELECT r.code, r.label, r.item_count, r.core_count, g.n, g.core FROM ("  # noqa: S608
        "SELECT l.rome_id, COUNT(*) AS n, "
        "SUM(CASE WHEN l.centrality = 'core' THEN 1 ELSE 0 END) AS core "
        f"FROM referentials_romeskilllink l WHERE {skills} GROUP BY l.rome_id"
        f") g JOIN referentials_romecode r ON r.id = g.rome_id WHERE {kept} "
        f"ORDER BY CASE WHEN {named} THEN 0 ELSE 1 END, {score} DESC, g.n DESC, r.code "
        "LIMIT %s"
    )
    params += named_params + ([MIN_SHARED] if limit else []) + named_params
    params.append(len(codes) + limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def overlap(profile, *, codes) -> dict[str, dict]:
    """ROME code → the items of that job the profile covers (`n`, `core` of them in its
    core) and its totals, for the jobs `codes`."""
    return {
        code: {"label": label, "total": total, "core_total": core_total, "n": n, "core": core}
        for code, label, total, core_total, n, core in _overlap_rows(profile, codes=codes)
    }


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
    targets = {row["target__code"] for row in mobilities}
    rows = _overlap_rows(profile, codes=targets, limit=limit + len(seen) + len(targets))
    shared = {code: {"n": n, "core": core} for code, _l, _t, _c, n, core in rows if code in targets}
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
            label,
            f"{n} compétences et savoirs en commun avec votre profil, dont {core} du cœur "
            "de ce métier.",
            "overlap",
            total,
            core_total,
            n,
            core,
        )
        for code, label, total, core_total, n, core in rows
        if code not in seen and code not in targets and n >= MIN_SHARED
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
    candidates = {}  # fiche id → (code, title, kind, level, ROME code that names it)
    for fiche_id, rome_code, code, title, kind, level in (
        FicheRome.objects.filter(rome_code__in=codes, fiche__active=True)
        .values_list(
            "fiche_id", "rome_code", "fiche__code", "fiche__title", "fiche__kind", "fiche__level"
        )
        .order_by()  # ranked below: an ORDER BY here costs a temporary sort
    ):
        if code not in profile.fiche_codes:  # not one the holder already has
            candidates.setdefault(fiche_id, (code, title, kind, level, rome_code))
    if not candidates or not missing:
        return TrainingLeads([], source.available, gap_weight)
    # The candidates' other jobs and their core items, then the blocs naming a missing
    # item (few: they are filtered here rather than by joining the fiches again).
    romes_of = {}
    for fiche_id, code in (
        FicheRome.objects.filter(field_in(FicheRome, "fiche_id", sorted(candidates)))
        .values_list("fiche_id", "rome_code")
        .order_by()
    ):
        romes_of.setdefault(fiche_id, set()).add(code)
    core_of_rome = {}
    for code, skill_id in (
        RomeSkillLink.objects.filter(
            rome__code__in={code for found in romes_of.values() for code in found},
            centrality=Centrality.CORE,
        )
        .values_list("rome__code", "skill_id")
        .order_by()
    ):
        if skill_id in missing:
            core_of_rome.setdefault(code, set()).add(skill_id)
    blocs = {}
    for fiche_id, code, title, skill_id in (
        BlocSkill.objects.filter(field_in(BlocSkill, "skill_id", sorted(missing)))
        .values_list("bloc__fiche_id", "bloc__code", "bloc__title", "skill_id")
        .order_by()
    ):
        if fiche_id in candidates:
            blocs.setdefault(fiche_id, []).append((code, title, skill_id))
    covered = {}
    for fiche_id in candidates:
        ids = {s for code in romes_of.get(fiche_id, ()) for s in core_of_rome.get(code, ())}
        ids.update(skill_id for _c, _t, skill_id in blocs.get(fiche_id, ()))
        if ids:
            weight = sum(WEIGHTS[missing[skill_id].centrality] for skill_id in ids)
            covered[fiche_id] = (weight, ids)
    ranked = sorted(
        covered,
        key=lambda f: (
            -covered[f][0],
            -len({code for code, _t, _s in blocs.get(f, ())}),
            candidates[f][2] != "RS",
            candidates[f][0],
        ),
    )[:limit]
    leads = []
    for fiche_id in ranked:
        code, title, kind, level, rome_code = candidates[fiche_id]
        lead = TrainingLead(
            code, title, kind, level, f"Certification qui prépare au métier {rome_code}."
        )
        for bloc_code, bloc_title, skill_id in blocs.get(fiche_id, ()):
            lead.blocs.setdefault(bloc_code, BlocLead(bloc_code, bloc_title)).items.append(
                missing[skill_id].label
            )
        for skill_id in covered[fiche_id][1]:
            lead.add(missing[skill_id])
        lead.covered.sort(key=lambda item: item.order)
        leads.append(lead)
    if source.available and leads:
        found = source.sessions_for(person, [lead.code for lead in leads])
        for lead in leads:
            lead.sessions = found.get(lead.code, [])
    return TrainingLeads(leads, source.available, gap_weight)
