"""ROME 4.0, official `unix_<table>_v<version>_utf8.csv` layout (France Travail).

Besides codes, appellations, compétences and savoirs, the loader reads the place of each
item in each job (`coherence_item`: cœur de métier or not), the macro-compétences and
their tree, the mobilities between jobs, the work contexts and the domains; and it
counts, once for everyone, the items and core items of each job (what a coverage is a
share of).
"""

import re

from ..enums import Centrality, SkillKind
from ..models import (
    RomeAppellation,
    RomeCode,
    RomeContextLink,
    RomeDomain,
    RomeMobility,
    RomeSkill,
    RomeSkillLink,
    RomeWorkContext,
)
from ..text import normalize
from . import rome_tree
from .base import SourceError, delete_where_in, insert, match_files, read_csv, unique_by, upsert

NAME = "rome"
LABEL = "ROME 4.0"
VERSION = 2
MAIN_MODEL = RomeCode  # empty table: reload even if the files did not change
TABLES = {
    "codes": "referentiel_code_rome",
    "appellations": "referentiel_appellation",
    "competences": "referentiel_competence",
    "savoirs": "referentiel_savoir",
    "links": "liens_rome_referentiels",
    "coherence": "coherence_item",
    "mobilities": "rubrique_mobilite",
    "contexts": "referentiel_contexte_travail",
    "domains": "domaine_professionnel",
    "grand_domains": "grand_domaine",
}
# Read when the release has it (the v460 copy of ../shared/data lacks it): the labels of
# the competence tree's domains, issues and objectives.
OPTIONAL_TABLES = {"tree": "arborescence_competences"}
_FILE = re.compile(r"^unix_(?P<table>[a-z_]+)_v(?P<version>\d+)_utf8\.csv$")

# unix_liens_rome_referentiels: code_compo_bloc 5 is the "compétences" block, its
# rubriques 1, 2, 3 the savoir-faire, savoir-être and savoirs; block 6 the work contexts.
SKILLS_BLOCK = "5"
CONTEXTS_BLOCK = "6"
LINK_KINDS = {"1": SkillKind.SAVOIR_FAIRE, "2": SkillKind.SAVOIR_ETRE, "3": SkillKind.SAVOIR}
# unix_coherence_item.coeur_metier; blank: not in the job's core.
CENTRALITIES = {"principale": Centrality.CORE, "emergente": Centrality.EMERGING}


def locate(root):
    """The most recent ROME version that has every required table."""
    versions = {}
    for match, path in match_files(root, _FILE):
        versions.setdefault(int(match["version"]), {})[match["table"]] = path
    for version in sorted(versions, reverse=True):
        tables = versions[version]
        if all(name in tables for name in TABLES.values()):
            located = {role: tables[name] for role, name in TABLES.items()}
            for role, name in OPTIONAL_TABLES.items():
                if name in tables:
                    located[role] = tables[name]
            return located
    expected = ", ".join(f"unix_{name}_v<version>_utf8.csv" for name in TABLES.values())
    raise SourceError(f"Fichiers du ROME introuvables dans {root} (attendus : {expected}).")


def load(files, ctx):
    domains = _load_domains(files, ctx)
    codes, ids = _load_codes(files["codes"], ctx)
    appellations = upsert(
        RomeAppellation,
        unique_by(
            _appellations(files["appellations"], ids, ctx),
            key=lambda a: a.ogr,
            ctx=ctx,
            label="appellations",
        ),
        unique_fields=["ogr"],
        update_fields=["label", "short_label", "rome", "executive", "search_text"],
    )
    skills = rome_tree.load_skills(files["competences"], files["savoirs"], ctx)
    areas = rome_tree.load_areas(files["tree"], ctx) if "tree" in files else 0

    # Links, contexts and mobilities are replaced for the ROME codes of this file: what
    # France Travail dropped disappears, and codes loaded from elsewhere keep theirs.
    file_ids = {rome.code: ids[rome.code] for rome in codes}
    skill_ids = dict(RomeSkill.objects.values_list("ogr", "id"))
    centrality = _centralities(files["coherence"], ctx)
    skill_links, context_rows = _links(files["links"], file_ids, skill_ids, centrality, ctx)
    delete_where_in(RomeSkillLink.objects.all(), "rome_id", file_ids.values())
    links = insert(RomeSkillLink, skill_links)
    contexts = _load_contexts(files["contexts"], file_ids, context_rows, ctx)
    mobilities = _load_mobilities(files["mobilities"], file_ids, ctx)
    _count_items(codes, file_ids, skill_links)
    return {
        "domaines": domains,
        "codes ROME": len(codes),
        "appellations": appellations,
        "compétences et savoirs": skills,
        "niveaux de l'arborescence des compétences": areas,
        "liens ROME – compétences": links,
        "contextes de travail des métiers": contexts,
        "mobilités": mobilities,
    }


def _load_domains(files, ctx):
    domains = []
    for row in read_csv(
        files["grand_domains"], ctx, required=("code_grand_domaine", "libelle_grand_domaine")
    ):
        domains.append(
            RomeDomain(code=row["code_grand_domaine"].strip(), label=row["libelle_grand_domaine"])
        )
    required = ("code_domaine_professionnel", "libelle_domaine_professionnel")
    for row in read_csv(files["domains"], ctx, required=required):
        domains.append(
            RomeDomain(
                code=row["code_domaine_professionnel"].strip(),
                label=row["libelle_domaine_professionnel"].strip(),
            )
        )
    for domain in domains:
        domain.label = domain.label.strip()
    return upsert(
        RomeDomain,
        unique_by(domains, key=lambda d: d.code, ctx=ctx, label="domaines"),
        unique_fields=["code"],
        update_fields=["label"],
    )


def _load_codes(path, ctx):
    codes, parents = [], {}
    for row in read_csv(
        path, ctx, required=("code_rome", "code_ogr", "libelle_rome", "code_rome_parent")
    ):
        code, label = row["code_rome"].strip(), row["libelle_rome"].strip()
        codes.append(
            RomeCode(
                code=code,
                label=label,
                ogr=row["code_ogr"].strip(),
                search_text=normalize(f"{label} {code}"),
            )
        )
        parent = row["code_rome_parent"].strip()
        if parent and parent != code:  # a parent fiche names itself as its parent
            parents[code] = parent
    codes = list(unique_by(codes, key=lambda r: r.code, ctx=ctx, label="codes ROME"))
    upsert(RomeCode, codes, unique_fields=["code"], update_fields=["label", "ogr", "search_text"])

    # Second pass for the parent, now that every code of the file has an id.
    ids = dict(RomeCode.objects.values_list("code", "id"))
    for rome in codes:
        rome.parent_id = ids.get(parents.get(rome.code))
        if rome.code in parents and rome.parent_id is None:
            ctx.warn(f"ROME : parent {parents[rome.code]} de {rome.code} inconnu.")
    upsert(RomeCode, codes, unique_fields=["code"], update_fields=["parent"])
    return codes, ids


def _appellations(path, rome_ids, ctx):
    required = ("code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome")
    unknown = 0
    for row in read_csv(path, ctx, required=required):
        rome_id = rome_ids.get(row["code_rome"].strip())
        if rome_id is None:
            unknown += 1
            continue
        label = row["libelle_appellation_long"].strip()
        executive = (row.get("emploi_cadre") or "").strip().upper()
        yield RomeAppellation(
            ogr=row["code_ogr"].strip(),
            label=label,
            short_label=row["libelle_appellation_court"].strip(),
            rome_id=rome_id,
            executive={"O": True, "N": False}.get(executive),
            search_text=normalize(label),
        )
    if unknown:
        ctx.warn(f"appellations : {unknown} ligne(s) d'un code ROME inconnu ignorée(s).")


def _centralities(path, ctx) -> dict[tuple[str, str], str]:
    centrality = {}
    for row in read_csv(path, ctx, required=("code_rome", "code_ogr", "coeur_metier")):
        value = CENTRALITIES.get(normalize(row["coeur_metier"]))
        if value:
            centrality[row["code_rome"].strip(), row["code_ogr"].strip()] = value
    return centrality


def _links(path, rome_ids, skill_ids, centrality, ctx):
    """The skill links of the file's codes, and the (code, context OGR) pairs."""
    unknown, skill_links, context_rows = 0, [], []
    seen = set()
    required = ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr")
    for row in read_csv(path, ctx, required=required):
        block = row["code_compo_bloc"].strip()
        code, ogr = row["code_rome"].strip(), row["code_ogr"].strip()
        if block == CONTEXTS_BLOCK:
            context_rows.append((code, ogr))
            continue
        kind = LINK_KINDS.get(row["code_rubrique"].strip())
        if block != SKILLS_BLOCK or kind is None:
            continue
        rome_id, skill_id = rome_ids.get(code), skill_ids.get(ogr)
        if rome_id is None or skill_id is None:
            unknown += 1
            continue
        if (rome_id, skill_id) in seen:
            continue
        seen.add((rome_id, skill_id))
        skill_links.append(
            RomeSkillLink(
                rome_id=rome_id,
                skill_id=skill_id,
                kind=kind,
                centrality=centrality.get((code, ogr), Centrality.OTHER),
            )
        )
    if unknown:
        ctx.warn(
            f"liens ROME : {unknown} lien(s) vers un code ou une compétence inconnus ignoré(s)."
        )
    return skill_links, context_rows


def _load_contexts(path, rome_ids, context_rows, ctx):
    required = ("code_ogr", "libelle_cont_travail", "code_type_cont_trav", "libelle_type_cont_trav")
    contexts = [
        RomeWorkContext(
            ogr=row["code_ogr"].strip(),
            label=row["libelle_cont_travail"].strip(),
            category_code=row["code_type_cont_trav"].strip(),
            category=row["libelle_type_cont_trav"].strip(),
        )
        for row in read_csv(path, ctx, required=required)
    ]
    upsert(
        RomeWorkContext,
        unique_by(contexts, key=lambda c: c.ogr, ctx=ctx, label="contextes de travail"),
        unique_fields=["ogr"],
        update_fields=["label", "category_code", "category"],
    )
    context_ids = dict(RomeWorkContext.objects.values_list("ogr", "id"))
    links, unknown = [], 0
    for code, ogr in context_rows:
        rome_id, context_id = rome_ids.get(code), context_ids.get(ogr)
        if rome_id is None or context_id is None:
            unknown += 1
            continue
        links.append(RomeContextLink(rome_id=rome_id, context_id=context_id))
    if unknown:
        ctx.warn(f"contextes de travail : {unknown} lien(s) vers un code inconnu ignoré(s).")
    delete_where_in(RomeContextLink.objects.all(), "rome_id", rome_ids.values())
    return insert(
        RomeContextLink, unique_by(links, key=lambda link: (link.rome_id, link.context_id))
    )


def _load_mobilities(path, rome_ids, ctx):
    rows, unknown = [], 0
    for row in read_csv(path, ctx, required=("code_rome", "code_rome_cible", "numero_ordre")):
        source = rome_ids.get(row["code_rome"].strip())
        target = rome_ids.get(row["code_rome_cible"].strip())
        rank = row["numero_ordre"].strip()
        if source is None or target is None or source == target or not rank.isdigit():
            unknown += 1
            continue
        rows.append(RomeMobility(source_id=source, target_id=target, rank=int(rank)))
    if unknown:
        ctx.warn(f"mobilités : {unknown} ligne(s) d'un code inconnu ou illisible ignorée(s).")
    delete_where_in(RomeMobility.objects.all(), "source_id", rome_ids.values())
    return insert(RomeMobility, unique_by(rows, key=lambda m: (m.source_id, m.target_id)))


def _count_items(codes, ids, skill_links):
    """What every coverage of a job is a share of, counted once at load time."""
    totals = {rome_id: [0, 0] for rome_id in ids.values()}
    for link in skill_links:
        counts = totals[link.rome_id]
        counts[0] += 1
        counts[1] += link.centrality == Centrality.CORE
    for rome in codes:
        rome.item_count, rome.core_count = totals[ids[rome.code]]
    upsert(RomeCode, codes, unique_fields=["code"], update_fields=["item_count", "core_count"])
