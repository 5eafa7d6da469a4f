"""ROME 4.0 compétences, savoirs and the competence tree.

`unix_referentiel_competence` holds both the macro-compétences (nature
"Macro-compétence", with their tree code `code_macro_comp`, "1B101") and the compétences
(nature "Compétence", with their macro-compétence's OGR code `code_ogr_macro_comp`). The
tree code names every level above: domain "1", issue "1B", objective "1B1"; the labels
of those levels are in `unix_arborescence_competences` when the release has it.
"""

import re

from ..enums import CompetenceAreaLevel, SkillKind
from ..models import RomeCompetenceArea, RomeSkill
from ..text import normalize
from .base import read_csv, unique_by, upsert

_TREE_CODE = re.compile(r"^[1-9][A-Z][0-9]{3}$")


def load_skills(competences, savoirs, ctx) -> int:
    macro_of = {}
    skills = list(
        unique_by(
            _skills(competences, savoirs, macro_of, ctx),
            key=lambda s: s.ogr,
            ctx=ctx,
            label="compétences",
        )
    )
    count = upsert(
        RomeSkill,
        skills,
        unique_fields=["ogr"],
        update_fields=[
            "label",
            "kind",
            "category",
            "subcategory",
            "is_macro",
            "tree_code",
            "search_text",
        ],
    )
    # Second pass: each compétence's macro-compétence, now that every row has an id.
    ids = dict(RomeSkill.objects.values_list("ogr", "id"))
    tree = {skill.ogr: skill.tree_code for skill in skills if skill.is_macro}
    unknown = 0
    children = []
    for skill in skills:
        macro_ogr = macro_of.get(skill.ogr)
        if skill.is_macro or not macro_ogr:
            continue
        if macro_ogr not in tree:
            unknown += 1
            continue
        skill.macro_id = ids[macro_ogr]
        skill.tree_code = tree[macro_ogr]
        children.append(skill)
    if unknown:
        ctx.warn(f"compétences : {unknown} macro-compétence(s) inconnue(s) ignorée(s).")
    upsert(RomeSkill, children, unique_fields=["ogr"], update_fields=["macro", "tree_code"])
    return count


def _skills(competences, savoirs, macro_of, ctx):
    required = ("code_ogr", "libelle_competence", "cat_comp", "sous_cat_comp")
    for row in read_csv(competences, ctx, required=required):
        label = row["libelle_competence"].strip()
        ogr = row["code_ogr"].strip()
        is_savoir_etre = normalize(row["cat_comp"]).startswith("savoir etre")
        is_macro = normalize(row.get("nature", "")).startswith("macro")
        tree_code = (row.get("code_macro_comp") or "").strip().upper()
        if is_macro and not _TREE_CODE.match(tree_code):
            ctx.warn(f"ROME : code d'arborescence « {tree_code} » de {ogr} illisible, ignoré.")
            tree_code = ""
        macro_ogr = (row.get("code_ogr_macro_comp") or "").strip()
        if macro_ogr and not is_macro:
            macro_of[ogr] = macro_ogr
        yield RomeSkill(
            ogr=ogr,
            label=label,
            kind=SkillKind.SAVOIR_ETRE if is_savoir_etre else SkillKind.SAVOIR_FAIRE,
            category=row["cat_comp"].strip(),
            subcategory=row["sous_cat_comp"].strip(),
            is_macro=is_macro,
            tree_code=tree_code if is_macro else "",
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
            is_macro=False,
            tree_code="",
            search_text=normalize(label),
        )


def tree_codes(code: str) -> dict[str, str]:
    """ "1B101" → the codes of its domain, issue and objective."""
    return {
        CompetenceAreaLevel.DOMAIN: code[:1],
        CompetenceAreaLevel.ISSUE: code[:2],
        CompetenceAreaLevel.OBJECTIVE: code[:3],
    }


# The label columns of `unix_arborescence_competences`, per level.
_AREA_COLUMNS = {
    CompetenceAreaLevel.DOMAIN: "domaine_competence",
    CompetenceAreaLevel.ISSUE: "enjeu",
    CompetenceAreaLevel.OBJECTIVE: "objectif",
}


def load_areas(path, ctx) -> int:
    """The labels of the tree's levels. Codes are taken from each row's macro-compétence
    code rather than from the level columns, whose format the published documentation
    does not pin down: "1B101" names its domain, issue and objective unambiguously."""
    areas = {}
    required = ("code_macro_competence", *_AREA_COLUMNS.values())
    for row in read_csv(path, ctx, required=required):
        code = row["code_macro_competence"].strip().upper()
        if not _TREE_CODE.match(code):
            continue
        for level, area_code in tree_codes(code).items():
            label = (row[_AREA_COLUMNS[level]] or "").strip()
            if label:
                areas.setdefault(
                    area_code, RomeCompetenceArea(code=area_code, level=level, label=label)
                )
    return upsert(
        RomeCompetenceArea,
        list(areas.values()),
        unique_fields=["code"],
        update_fields=["level", "label"],
    )
