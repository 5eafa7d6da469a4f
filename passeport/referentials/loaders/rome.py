"""ROME 4.0, official `unix_<table>_v<version>_utf8.csv` layout (France Travail)."""

import re

from ..enums import SkillKind
from ..models import RomeAppellation, RomeCode, RomeSkill, RomeSkillLink
from ..text import normalize
from .base import SourceError, delete_where_in, insert, match_files, read_csv, unique_by, upsert

NAME = "rome"
LABEL = "ROME 4.0"
VERSION = 1
MAIN_MODEL = RomeCode  # empty table: reload even if the files did not change
TABLES = {
    "codes": "referentiel_code_rome",
    "appellations": "referentiel_appellation",
    "competences": "referentiel_competence",
    "savoirs": "referentiel_savoir",
    "links": "liens_rome_referentiels",
}
_FILE = re.compile(r"^unix_(?P<table>[a-z_]+)_v(?P<version>\d+)_utf8\.csv$")

# unix_liens_rome_referentiels: code_compo_bloc 5 is the "compétences" block, its
# rubriques 1, 2, 3 the savoir-faire, savoir-être and savoirs. Blocks 2 (appellations)
# and 6 (work contexts) are described elsewhere or not kept.
SKILLS_BLOCK = "5"
LINK_KINDS = {"1": SkillKind.SAVOIR_FAIRE, "2": SkillKind.SAVOIR_ETRE, "3": SkillKind.SAVOIR}


def locate(root):
    """The most recent ROME version that has the five tables."""
    versions = {}
    for match, path in match_files(root, _FILE):
        versions.setdefault(int(match["version"]), {})[match["table"]] = path
    for version in sorted(versions, reverse=True):
        tables = versions[version]
        if all(name in tables for name in TABLES.values()):
            return {role: tables[name] for role, name in TABLES.items()}
    expected = ", ".join(f"unix_{name}_v<version>_utf8.csv" for name in TABLES.values())
    raise SourceError(f"Fichiers du ROME introuvables dans {root} (attendus : {expected}).")


def load(files, ctx):
    codes, parents = [], {}
    for row in read_csv(
        files["codes"], ctx, required=("code_rome", "code_ogr", "libelle_rome", "code_rome_parent")
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

    appellations = upsert(
        RomeAppellation,
        unique_by(
            _appellations(files["appellations"], ids, ctx),
            key=lambda a: a.ogr,
            ctx=ctx,
            label="appellations",
        ),
        unique_fields=["ogr"],
        update_fields=["label", "short_label", "rome", "search_text"],
    )
    skills = upsert(
        RomeSkill,
        unique_by(
            _skills(files["competences"], files["savoirs"], ctx),
            key=lambda s: s.ogr,
            ctx=ctx,
            label="compétences",
        ),
        unique_fields=["ogr"],
        update_fields=["label", "kind", "category", "subcategory", "search_text"],
    )

    # Links are replaced for the ROME codes of this file: a link dropped by France
    # Travail disappears, and codes loaded from elsewhere keep theirs.
    skill_ids = dict(RomeSkill.objects.values_list("ogr", "id"))
    file_ids = {rome.code: ids[rome.code] for rome in codes}
    delete_where_in(RomeSkillLink.objects.all(), "rome_id", file_ids.values())
    links = insert(
        RomeSkillLink,
        unique_by(
            _links(files["links"], file_ids, skill_ids, ctx),
            key=lambda link: (link.rome_id, link.skill_id),
            ctx=ctx,
            label="liens ROME",
        ),
    )
    return {
        "codes ROME": len(codes),
        "appellations": appellations,
        "compétences et savoirs": skills,
        "liens ROME – compétences": links,
    }


def _appellations(path, rome_ids, ctx):
    required = ("code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome")
    unknown = 0
    for row in read_csv(path, ctx, required=required):
        rome_id = rome_ids.get(row["code_rome"].strip())
        if rome_id is None:
            unknown += 1
            continue
        label = row["libelle_appellation_long"].strip()
        yield RomeAppellation(
            ogr=row["code_ogr"].strip(),
            label=label,
            short_label=row["libelle_appellation_court"].strip(),
            rome_id=rome_id,
            search_text=normalize(label),
        )
    if unknown:
        ctx.warn(f"appellations : {unknown} ligne(s) d'un code ROME inconnu ignorée(s).")


def _skills(competences, savoirs, ctx):
    required = ("code_ogr", "libelle_competence", "cat_comp", "sous_cat_comp")
    for row in read_csv(competences, ctx, required=required):
        label = row["libelle_competence"].strip()
        is_savoir_etre = normalize(row["cat_comp"]).startswith("savoir etre")
        yield RomeSkill(
            ogr=row["code_ogr"].strip(),
            label=label,
            kind=SkillKind.SAVOIR_ETRE if is_savoir_etre else SkillKind.SAVOIR_FAIRE,
            category=row["cat_comp"].strip(),
            subcategory=row["sous_cat_comp"].strip(),
            search_text=normalize(label),
        )
    required = ("code_ogr_savoir", "libelle_savoir", "categorie_savoir", "sous_categorie_savoir")
    for row in read_csv(savoirs, ctx, required=required):
        label = row["libelle_savoir"].strip()
        yield RomeSkill(
            ogr=row["code_ogr_savoir"].strip(),
            label=label,
            kind=SkillKind.SAVOIR,
            category=row["categorie_savoir"].strip(),
            subcategory=row["sous_categorie_savoir"].strip(),
            search_text=normalize(label),
        )


def _links(path, rome_ids, skill_ids, ctx):
    unknown = 0
    required = ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr")
    for row in read_csv(path, ctx, required=required):
        kind = LINK_KINDS.get(row["code_rubrique"].strip())
        if row["code_compo_bloc"].strip() != SKILLS_BLOCK or kind is None:
            continue
        rome_id = rome_ids.get(row["code_rome"].strip())
        skill_id = skill_ids.get(row["code_ogr"].strip())
        if rome_id is None or skill_id is None:
            unknown += 1
            continue
        yield RomeSkillLink(rome_id=rome_id, skill_id=skill_id, kind=kind)
    if unknown:
        ctx.warn(
            f"liens ROME : {unknown} lien(s) vers un code ou une compétence inconnus ignoré(s)."
        )
