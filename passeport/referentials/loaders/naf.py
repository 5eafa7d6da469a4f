"""NAF rév. 2 (INSEE): sous-classes with their labels, and the 5-level hierarchy for the
section letter."""

from ..models import NafCode
from ..text import normalize
from .base import SourceError, csv_files, read_csv, upsert

NAME = "naf"
LABEL = "Nomenclature d'activités française (NAF rév. 2)"
VERSION = 1
MAIN_MODEL = NafCode  # empty table: reload even if the files did not change
FILES = {"labels": "naf2008_liste_n5.csv", "levels": "naf2008_5_niveaux.csv"}


def locate(root):
    found = dict(csv_files(root))
    missing = [name for name in FILES.values() if name not in found]
    if missing:
        raise SourceError(f"Fichiers NAF introuvables dans {root} : {', '.join(missing)}.")
    return {role: found[name] for role, name in FILES.items()}


def load(files, ctx):
    sections = {
        row["NIV5"]: row["NIV1"]
        for row in read_csv(files["levels"], ctx, required=("NIV5", "NIV1"))
    }
    codes = []
    for row in read_csv(files["labels"], ctx, required=("code", "libelle")):
        code, label = row["code"].strip(), row["libelle"].strip()
        if code not in sections:
            ctx.warn(f"NAF : {code} absent de la hiérarchie, section inconnue.")
        codes.append(
            NafCode(
                code=code,
                label=label,
                section=sections.get(code, ""),
                search_text=normalize(f"{label} {code}"),
            )
        )
    count = upsert(
        NafCode,
        codes,
        unique_fields=["code"],
        update_fields=["label", "section", "search_text"],
    )
    return {"codes NAF": count}
