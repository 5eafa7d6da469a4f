"""The holder's competence profile: every ROME item their passport shows, each with the
entries and the rule that put it there.

- a certification (RNCP/RS fiche) → the core items of the ROME jobs the fiche prepares
  for, and the items its blocs name (`referentials.BlocSkill`);
- a training followed (Mon Compte Formation, or declared) that prepares a certification
  → the same, as a training;
- a job held (DSN contract, declared experience, civic engagement) whose ROME job the
  holder confirmed or corrected (`jobs`) → the core items of that job;
- a prevention training → the items of its catalogue kind (`PreventionKindSkill`) and
  the health-and-safety items of the ROME jobs it declares transferable;
- a competence the holder declares from the ROME → that item.

Guaranteed and declared evidence stay apart to the end: an item is guaranteed when one
of its evidences is. A fixed number of queries, whatever the number of entries.
"""

from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.utils import timezone

from passeport.prevention.catalogue import classify
from passeport.records.enums import Assurance, DeclaredItemKind, EngagementKind
from passeport.referentials.enums import Centrality
from passeport.referentials.models import BlocSkill, Fiche, FicheRome, RomeSkill, RomeSkillLink

from . import jobs, passport
from .enums import EvidenceSource, GrantScope, JobMatchStatus
from .items import Evidence, Item, columns, is_safety
from .models import JobMatch, PreventionKindSkill

_NOT_COUNTED = {
    JobMatchStatus.PROPOSED: "Métier proposé, à confirmer : il ne compte qu'une fois confirmé.",
    JobMatchStatus.DISMISSED: "Vous avez écarté cet intitulé : il ne donne aucune compétence.",
}


@dataclass
class Source:
    """A passport entry read for the profile, and what it gave (or why nothing)."""

    source: str
    guaranteed: bool
    title: str
    kind_slug: str
    public_id: str
    count: int = 0
    note: str = ""

    @property
    def source_label(self) -> str:
        return EvidenceSource(self.source).label


@dataclass
class Profile:
    items: dict[int, Item] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    matches: list[JobMatch] = field(default_factory=list)
    held_codes: dict[str, str] = field(default_factory=dict)  # ROME code → label
    fiche_codes: set[str] = field(default_factory=set)

    @property
    def pending(self) -> list[JobMatch]:
        return [m for m in self.matches if m.status == JobMatchStatus.PROPOSED]

    @property
    def guaranteed_count(self) -> int:
        return sum(1 for item in self.items.values() if item.guaranteed)

    @property
    def declared_count(self) -> int:
        return len(self.items) - self.guaranteed_count

    def covering(self) -> dict[int, list[tuple[Item, str]]]:
        """skill id → the profile items that cover it: the item itself, and for a
        macro-compétence every compétence of the profile under it."""
        cover = {skill_id: [(item, "")] for skill_id, item in self.items.items()}
        for item in self.items.values():
            if item.macro_id and not item.is_macro:
                cover.setdefault(item.macro_id, []).append((item, item.label))
        return cover


# The part of a grant that shows each kind of evidence's entry.
SCOPE_OF_SOURCE = {
    EvidenceSource.CERTIFICATION: GrantScope.CERTIFICATIONS,
    EvidenceSource.TRAINING: GrantScope.TRAININGS,
    EvidenceSource.PREVENTION: GrantScope.TRAININGS,
    EvidenceSource.JOB: GrantScope.CAREER,
    EvidenceSource.DECLARED: GrantScope.DECLARED,
}


def redact(profile: Profile, scopes) -> Profile:
    """For a counsellor: evidence from a part of the passport the holder did not share
    keeps its kind and rule but not the entry's title."""
    for item in profile.items.values():
        item.evidences = [
            evidence
            if SCOPE_OF_SOURCE[evidence.source] in scopes
            else replace(
                evidence,
                title=f"{EvidenceSource(evidence.source).label} (entrée non partagée)",
                kind_slug="",
                public_id="",
            )
            for evidence in item.evidences
        ]
    profile.sources = []
    return profile


class _Builder:
    def __init__(self, profile: Profile):
        self.profile = profile

    def add(self, row: dict, prefix: str, evidence: Evidence, source: Source) -> None:
        items = self.profile.items
        item = items.get(row[f"{prefix}id"])
        if item is None:
            item = items[row[f"{prefix}id"]] = Item.from_row(row, prefix)
        if evidence not in item.evidences:
            item.evidences.append(evidence)
            source.count += 1

    def source(self, kind, row, title, slug, guaranteed=None) -> Source:
        if guaranteed is None:
            guaranteed = row["assurance"] == Assurance.GUARANTEED
        source = Source(kind, guaranteed, title, slug, str(row["public_id"]))
        self.profile.sources.append(source)
        return source


def build(person, *, sync: bool = True, today=None) -> Profile:
    today = (today or timezone.localdate()).isoformat()
    profile = Profile()
    builder = _Builder(profile)
    found = passport.entries(person)
    certifications, trainings = found["certification"], found["training"]
    prevention, employment = found["prevention"], found["employment"]
    engagements, declared = found["engagement"], found["declared"]

    held = _held_titles(employment, engagements, declared)
    matches = list(
        JobMatch.objects.filter(person=person).select_related("appellation__rome", "proposed")
    )
    if sync and jobs.sync_proposals(
        person, {key: value[:2] for key, value in held.items()}, {m.label_key for m in matches}
    ):
        matches = list(
            JobMatch.objects.filter(person=person).select_related("appellation__rome", "proposed")
        )
    profile.matches = sorted(matches, key=lambda m: m.job_title)

    # Certifications and the trainings that prepare one: through their fiches.
    fiche_rows = [(r, EvidenceSource.CERTIFICATION, r["code"]) for r in certifications]
    # A training counts once over: one without an end date, or ending later, is going on.
    ongoing = [r for r in trainings if not r["end_date"] or r["end_date"][:10] > today]
    fiche_rows += [
        (r, EvidenceSource.TRAINING, r["certification_code"])
        for r in trainings
        if r["certification_code"] and r not in ongoing
    ]
    codes = {code.strip().upper() for _r, _s, code in fiche_rows if code}
    fiches = {
        f["code"]: f
        for f in Fiche.objects.filter(code__in=codes).values("id", "code", "title", "successor_id")
    }
    romes_of = _fiche_romes(fiches)
    jobs_of_match = {
        m.label_key: m.appellation.rome for m in matches if m.counts and m.appellation_id
    }
    transferable = {code for r in prevention for code in r["transferable_skills"] or []}
    # Certifications and jobs give the core of their jobs; a prevention training's
    # transferable jobs are read whole (their health-and-safety items are picked below).
    wanted = {c for romes in romes_of.values() for c, _l in romes}
    wanted |= {rome.code for rome in jobs_of_match.values()}
    links = {}
    if wanted or transferable:
        for row in (
            RomeSkillLink.objects.filter(
                Q(rome__code__in=wanted, centrality=Centrality.CORE)
                | Q(rome__code__in=transferable)
            )
            .values("rome__code", "rome__label", "centrality", *columns("skill__"))
            .order_by()
        ):
            links.setdefault(row["rome__code"], []).append(row)
    blocs = {}
    fiche_ids = [f["id"] for f in fiches.values()]
    if fiche_ids:
        for row in (
            BlocSkill.objects.filter(bloc__fiche_id__in=fiche_ids)
            .values("bloc__fiche_id", "bloc__code", "bloc__title", "words", *columns("skill__"))
            .order_by()
        ):
            blocs.setdefault(row["bloc__fiche_id"], []).append(row)

    for row, kind, code in fiche_rows:
        _add_fiche(
            builder, row, kind, fiches.get((code or "").strip().upper()), romes_of, links, blocs
        )
    for row in ongoing:
        source = builder.source(EvidenceSource.TRAINING, row, row["title"], "formation")
        source.note = "Formation en cours : ses compétences compteront une fois terminée."
    for row in trainings:
        if not row["certification_code"] and row not in ongoing:
            source = builder.source(EvidenceSource.TRAINING, row, row["title"], "formation")
            source.note = (
                "Cette formation ne prépare pas de certification connue du répertoire : "
                "aucune compétence n'en est déduite. Vous pouvez déclarer celles qu'elle "
                "vous a apportées."
            )
    _add_jobs(builder, held, {m.label_key: m for m in matches}, jobs_of_match, links)
    _add_prevention(builder, prevention, links)
    _add_declared(builder, declared)
    profile.fiche_codes = {f["code"] for f in fiches.values()}
    profile.held_codes = {rome.code: rome.label for rome in jobs_of_match.values()}
    return profile


def _fiche_romes(fiches: dict) -> dict[int, list[tuple[str, str]]]:
    """fiche id → its ROME codes (with their labels); a fiche without any takes its
    successor's (an old code still leads to today's jobs)."""
    ids = {f["id"] for f in fiches.values()} | {
        f["successor_id"] for f in fiches.values() if f["successor_id"]
    }
    own = {}
    for fiche_id, code, label in FicheRome.objects.filter(fiche_id__in=ids).values_list(
        "fiche_id", "rome_code", "rome_label"
    ):
        own.setdefault(fiche_id, []).append((code, label))
    return {f["id"]: own.get(f["id"]) or own.get(f["successor_id"], []) for f in fiches.values()}


def _add_fiche(builder, row, kind, fiche, romes_of, links, blocs):
    if kind == EvidenceSource.CERTIFICATION:
        title = f"{row['title']} ({row['code']})" if row["code"] else row["title"]
        source = builder.source(kind, row, title, "diplome")
        verb = "cette certification prépare"
    else:
        title = f"{row['title']} (prépare {row['certification_code']})"
        source = builder.source(kind, row, title, "formation")
        verb = "la certification que prépare cette formation mène"
    if fiche is None:
        source.note = (
            "Pas de fiche RNCP ou RS correspondante dans le répertoire : aucune compétence "
            "n'en est déduite."
        )
        return
    builder.profile.fiche_codes.add(fiche["code"])
    romes = romes_of.get(fiche["id"], [])
    guaranteed = source.guaranteed
    for code, label in romes:
        reason = f"Compétence cœur de métier de « {label or code} » ({code}), métier auquel {verb}."
        evidence = Evidence(kind, guaranteed, title, reason, source.kind_slug, source.public_id)
        for link in links.get(code, ()):
            if link["centrality"] == Centrality.CORE:
                builder.add(link, "skill__", evidence, source)
    for link in blocs.get(fiche["id"], ()):
        reason = (
            f"Le bloc de compétences {link['bloc__code']} « {link['bloc__title']} » la nomme "
            f"(mots en commun : {link['words']})."
        )
        evidence = Evidence(kind, guaranteed, title, reason, source.kind_slug, source.public_id)
        builder.add(link, "skill__", evidence, source)
    if not source.count:
        source.note = (
            f"La fiche {fiche['code']} ne nomme aucun métier du ROME chargé : aucune "
            "compétence n'en est déduite."
        )
    else:
        source.note = "Métiers visés par la fiche : " + ", ".join(
            f"{label or code} ({code})" for code, label in romes
        )


def _held_titles(employment, engagements, declared) -> dict[str, tuple]:
    """label key → (title, PCS-ESE, rows): one decision per distinct job title."""
    held = {}
    for row in employment:
        key = jobs.label_key(row["job_title"], row["pcs_ese"])
        held.setdefault(key, (row["job_title"], row["pcs_ese"] or "", []))[2].append(
            ("emploi", row, f"{row['job_title']} chez {row['employer_name']}")
        )
    for row in engagements:
        title = row["role"] or EngagementKind(row["engagement_kind"]).label
        key = jobs.label_key(title)
        held.setdefault(key, (title, "", []))[2].append(
            ("engagement", row, f"{title} ({row['organisation_name']})")
        )
    for row in declared:
        if row["item_kind"] == DeclaredItemKind.EXPERIENCE:
            key = jobs.label_key(row["title"])
            held.setdefault(key, (row["title"], "", []))[2].append(
                ("declaration", row, row["title"])
            )
    return held


def _add_jobs(builder, held, matches, jobs_of_match, links):
    for key, (_title, _pcs, rows) in sorted(held.items()):
        match = matches.get(key)
        slug, row, label = rows[0]
        guaranteed = any(r["assurance"] == Assurance.GUARANTEED for _s, r, _l in rows)
        if len(rows) > 1:
            label += f" (et {len(rows) - 1} autre{'s' if len(rows) > 2 else ''} période(s))"
        # A proposal the holder confirmed keeps the entry's assurance; a job the holder
        # chose instead is their declaration.
        corrected = match is not None and match.status == JobMatchStatus.CORRECTED
        source = builder.source(
            EvidenceSource.JOB, row, label, slug, guaranteed=guaranteed and not corrected
        )
        rome = jobs_of_match.get(key)
        if rome is None:
            source.note = _NOT_COUNTED.get(
                match.status if match else "", "Aucun métier du ROME trouvé pour cet intitulé."
            )
            continue
        how = "choisi par vous" if corrected else "proposé d'après l'intitulé et confirmé par vous"
        reason = f"Compétence cœur de métier de « {rome.label} » ({rome.code}), métier {how}."
        evidence = Evidence(
            EvidenceSource.JOB, source.guaranteed, label, reason, slug, source.public_id
        )
        for link in links.get(rome.code, ()):
            if link["centrality"] == Centrality.CORE:
                builder.add(link, "skill__", evidence, source)
        source.note = f"Métier retenu : {match.appellation.label} ({rome.code})."


def _add_prevention(builder, prevention, links):
    kinds = {}
    for row in prevention:
        kind = row["training_kind"] or getattr(classify(row["title"]), "code", "")
        kinds[row["public_id"]] = kind
    by_kind = {}
    if any(kinds.values()):
        for row in (
            PreventionKindSkill.objects.filter(kind__in=set(kinds.values()) - {""})
            .values("kind", *columns("skill__"))
            .order_by()
        ):
            by_kind.setdefault(row["kind"], []).append(row)
    for row in prevention:
        source = builder.source(EvidenceSource.PREVENTION, row, row["title"], "prevention")
        reason = "Savoir du ROME qui relève de ce type de formation (catalogue de prévention)."
        evidence = Evidence(
            source.source, source.guaranteed, row["title"], reason, "prevention", source.public_id
        )
        for link in by_kind.get(kinds[row["public_id"]], ()):
            builder.add(link, "skill__", evidence, source)
        for code in row["transferable_skills"] or []:
            for link in links.get(code, ()):
                if not is_safety(link["skill__label"]):
                    continue
                reason = (
                    f"Compétence de santé et sécurité de « {link['rome__label']} » ({code}), "
                    "métier que la déclaration désigne comme compétence transférable."
                )
                builder.add(
                    link,
                    "skill__",
                    Evidence(
                        source.source,
                        source.guaranteed,
                        row["title"],
                        reason,
                        "prevention",
                        source.public_id,
                    ),
                    source,
                )
        if not source.count:
            source.note = "Formation non reconnue dans le catalogue : aucune compétence déduite."


def _add_declared(builder, declared):
    skills = [r for r in declared if r["item_kind"] == DeclaredItemKind.SKILL]
    ogrs = {ogr for row in skills for ogr in row["rome_skills"] or []}
    found = {}
    if ogrs:
        found = {r["ogr"]: r for r in RomeSkill.objects.filter(ogr__in=ogrs).values(*columns())}
    for row in skills:
        source = builder.source(EvidenceSource.DECLARED, row, row["title"], "declaration")
        evidence = Evidence(
            EvidenceSource.DECLARED,
            False,
            row["title"],
            "Compétence du ROME que vous avez déclarée.",
            "declaration",
            source.public_id,
        )
        for ogr in row["rome_skills"] or []:
            if ogr in found:
                builder.add(found[ogr], "", evidence, source)
        if not source.count:
            source.note = (
                "Compétence en texte libre : elle figure dans votre passeport mais, faute de "
                "correspondre à une compétence du ROME, n'entre pas dans le calcul des écarts."
            )
