"""RNCP and RS fiches (France Compétences), from two layouts of the same data:

- the 2021 tables reshaped by Mission Apprentissage (`rncp_info`, `rncp_blocs_competences`,
  `rncp_certificateurs`, `rncp_rome`): cp1252, `;`, Excel-mangled dates (`8/31/16`,
  month first), titles over several lines, one row per successor;
- the official France Compétences CSV export (`export_fiches_CSV_<Table>_<date>.csv`):
  UTF-8, `;`, every value quoted, SIRETs preceded by a TAB, successors in their own table.

The 2021 tables are loaded first, then the official exports from the oldest to the most
recent, so that the newest description of a fiche present in both wins.

One module on purpose, though slightly longer than the house's ~400 lines: both layouts
feed the same rows (fiche, blocks, certifiers, ROME, successors) through the same
normalisation.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import OuterRef, Subquery

from passeport.core.digits import ascii_digits

from ..enums import FicheKind
from ..models import Fiche, FicheBloc, FicheCertifier, FicheRome
from ..text import clean_spaces, normalize
from .base import (
    SourceError,
    delete_where_in,
    insert,
    match_files,
    read_csv,
    unique_by,
    upsert,
)

NAME = "rncp"
LABEL = "Certifications RNCP et RS"
VERSION = 1
MAIN_MODEL = Fiche  # empty table: reload even if the files did not change

_FICHE_CODE = re.compile(r"^(RNCP|RS)\d+$")
_ROME_CODE = re.compile(r"^[A-N]\d{4}$")
_LEVEL = re.compile(r"^(?:NIV|NIVEAU)\s*([1-8])$")

_OFFICIAL_FILE = re.compile(
    r"^export_fiches_CSV_(?P<table>.+)_(?P<date>\d{4}_\d{2}_\d{2})\.csv$", re.IGNORECASE
)
# Table names as France Compétences spells them, compared in normalised form so that an
# accent or case change in a file name does not hide a table.
OFFICIAL_TABLES = {
    "fiches": "Standard",
    "blocs": "Blocs_De_Compétences",
    "certifiers": "Certificateurs",
    "rome": "Rome",
    "successors": "Ancienne_Nouvelle_Certification",
}
TABLES_2021 = {
    "fiches": "rncp_info",
    "blocs": "rncp_blocs_competences",
    "certifiers": "rncp_certificateurs",
    "rome": "rncp_rome",
}
_FILE_2021 = re.compile(r"^(?P<table>rncp_[a-z_]+?)(?:\.v[\d.]+)?\.csv$")


# --- Locating the files -------------------------------------------------------------------


def locate(root):
    """Every set of 2021 tables and every official export found under `root`."""
    tables_2021 = {}
    for match, path in match_files(root, _FILE_2021):
        tables_2021.setdefault(path.parent, {})[match["table"]] = path
    sets_2021 = []
    for folder, tables in sorted(tables_2021.items()):
        if TABLES_2021["fiches"] not in tables:
            continue
        missing = [name for name in TABLES_2021.values() if name not in tables]
        if missing:
            raise SourceError(f"Tables RNCP 2021 incomplètes dans {folder} : {', '.join(missing)}.")
        sets_2021.append({role: tables[name] for role, name in TABLES_2021.items()})

    wanted = {normalize(name): role for role, name in OFFICIAL_TABLES.items()}
    exports = {}
    for match, path in match_files(root, _OFFICIAL_FILE):
        role = wanted.get(normalize(unicodedata.normalize("NFC", match["table"])))
        if role:
            exports.setdefault((match["date"], str(path.parent)), {})[role] = path
    official = []
    for (export_date, folder), tables in sorted(exports.items()):
        missing = [name for role, name in OFFICIAL_TABLES.items() if role not in tables]
        if missing:
            raise SourceError(
                f"Export France Compétences du {export_date.replace('_', '-')} incomplet "
                f"dans {folder} : tables {', '.join(missing)} absentes."
            )
        official.append(tables)

    if not sets_2021 and not official:
        raise SourceError(
            f"Aucune donnée RNCP/RS dans {root} : ni export France Compétences "
            "(export_fiches_CSV_Standard_<date>.csv…) ni tables 2021 (rncp_info*.csv…)."
        )
    return {"tables_2021": sets_2021, "official": official}


# --- Loading ------------------------------------------------------------------------------


@dataclass
class _Counts:
    """What ends up in the database: a fiche present in both layouts counts once."""

    fiches: set = field(default_factory=set)
    blocs: set = field(default_factory=set)
    certifiers: dict = field(default_factory=dict)  # fiche id → rows, replaced per fiche
    rome: dict = field(default_factory=dict)


def load(files, ctx):
    counts = _Counts()
    for tables in files["tables_2021"]:
        _load_set(tables, _Layout2021, counts, ctx)
    for tables in files["official"]:
        _load_set(tables, _OfficialLayout, counts, ctx)
    # Successor foreign keys in one statement, once every layout has been loaded.
    Fiche.objects.update(
        successor=Subquery(Fiche.objects.filter(code=OuterRef("successor_code")).values("id")[:1])
    )
    return {
        "fiches": len(counts.fiches),
        "blocs de compétences": len(counts.blocs),
        "certificateurs": sum(counts.certifiers.values()),
        "codes ROME des fiches": sum(counts.rome.values()),
    }


def _load_set(tables, layout, counts, ctx):
    fiches = layout.fiches(tables, ctx)
    upsert(
        Fiche,
        fiches,
        unique_fields=["code"],
        update_fields=[
            "kind",
            "title",
            "abbreviation",
            "level",
            "active",
            "registered_on",
            "expires_on",
            "successor_code",
            "search_text",
        ],
    )
    counts.fiches.update(fiche.code for fiche in fiches)
    ids = dict(Fiche.objects.values_list("code", "id"))
    file_ids = {fiche.code: ids[fiche.code] for fiche in fiches}

    blocs = list(
        unique_by(
            _with_fiche(layout.blocs(tables["blocs"], ctx), file_ids, ctx, "blocs"),
            key=lambda bloc: bloc.code,
            ctx=ctx,
            label="blocs",
        )
    )
    upsert(FicheBloc, blocs, unique_fields=["code"], update_fields=["fiche", "title"])
    counts.blocs.update(bloc.code for bloc in blocs)

    # Certifiers and ROME codes have no identity of their own: replaced per fiche.
    certifiers = list(
        unique_by(
            _with_fiche(
                layout.certifiers(tables["certifiers"], ctx), file_ids, ctx, "certificateurs"
            ),
            key=lambda c: (c.fiche_id, c.name, c.siret),
        )
    )
    delete_where_in(FicheCertifier.objects.all(), "fiche_id", file_ids.values())
    insert(FicheCertifier, certifiers)
    _count_per_fiche(counts.certifiers, file_ids.values(), certifiers)

    romes = list(
        unique_by(
            _with_fiche(layout.rome(tables["rome"], ctx), file_ids, ctx, "codes ROME"),
            key=lambda r: (r.fiche_id, r.rome_code),
        )
    )
    delete_where_in(FicheRome.objects.all(), "fiche_id", file_ids.values())
    insert(FicheRome, romes)
    _count_per_fiche(counts.rome, file_ids.values(), romes)


def _count_per_fiche(counts, fiche_ids, objects):
    for fiche_id in fiche_ids:
        counts[fiche_id] = 0
    for obj in objects:
        counts[obj.fiche_id] += 1


def _with_fiche(pairs, fiche_ids, ctx, label):
    """Attach each (fiche code, object) to its fiche, skipping fiches not in the file."""
    orphans = 0
    for code, obj in pairs:
        obj.fiche_id = fiche_ids.get(code)
        if obj.fiche_id is None:
            orphans += 1
            continue
        yield obj
    if orphans:
        ctx.warn(f"RNCP {label} : {orphans} ligne(s) d'une fiche absente ignorée(s).")


def _make_fiche(ctx, *, code, title, abbreviation, level, active, registered_on, expires_on):
    code = code.strip().upper()
    if not _FICHE_CODE.match(code):
        ctx.warn(f"RNCP : code de fiche invalide « {code} » ignoré.")
        return None
    title = clean_text(title)
    abbreviation = clean_text(abbreviation)
    return Fiche(
        code=code,
        kind=FicheKind.RS if code.startswith("RS") else FicheKind.RNCP,
        title=title,
        abbreviation=abbreviation,
        level=parse_level(level),
        active=active.strip().upper() == "ACTIVE",
        registered_on=registered_on,
        expires_on=expires_on,
        search_text=normalize(f"{title} {abbreviation} {code}"),
    )


def _pick_successor(codes):
    """One successor when a fiche names several (a title split in two): the most recent
    registration, i.e. the highest number."""
    codes = {c.strip().upper() for c in codes if c and _FICHE_CODE.match(c.strip().upper())}
    return max(codes, key=lambda c: int(re.sub(r"\D", "", c)), default="")


class _Layout2021:
    ENCODING = "cp1252"

    @classmethod
    def _read(cls, path, ctx, required):
        return read_csv(path, ctx, encoding=cls.ENCODING, delimiter=";", required=required)

    @classmethod
    def fiches(cls, tables, ctx):
        # One row per successor: gather them before choosing.
        rows, successors = {}, {}
        required = ("Numero_Fiche", "Intitule", "Date_Fin_Enregistrement", "Actif")
        for row in cls._read(tables["fiches"], ctx, required):
            code = row["Numero_Fiche"].strip().upper()
            rows.setdefault(code, row)
            successors.setdefault(code, set()).add(row.get("Nouvelle_Certification") or "")
        fiches = []
        for code, row in rows.items():
            fiche = _make_fiche(
                ctx,
                code=code,
                title=row["Intitule"],
                abbreviation=row.get("Abrege_Code") or "",
                level=row.get("Nomenclature_Europe_Intitule") or "",
                active=row["Actif"],
                registered_on=None,
                expires_on=parse_excel_date(row["Date_Fin_Enregistrement"], ctx),
            )
            if fiche:
                fiche.successor_code = _pick_successor(successors[code])
                fiches.append(fiche)
        return fiches

    @classmethod
    def blocs(cls, path, ctx):
        for row in cls._read(path, ctx, ("CodeRNCP", "numero_bloc", "intitule")):
            code = row["numero_bloc"].strip().upper()
            if code:
                bloc = FicheBloc(code=code, title=clean_text(row["intitule"]))
                yield row["CodeRNCP"].strip().upper(), bloc

    @classmethod
    def certifiers(cls, path, ctx):
        for row in cls._read(path, ctx, ("CodeRNCP", "Certificateur", "siret_organisme")):
            name = clean_text(row["Certificateur"])
            if name:
                certifier = FicheCertifier(name=name, siret=clean_siret(row["siret_organisme"]))
                yield row["CodeRNCP"].strip().upper(), certifier

    @classmethod
    def rome(cls, path, ctx):
        invalid = 0
        for row in cls._read(path, ctx, ("CodeRNCP", "Rome", "libelle")):
            rome_code = row["Rome"].strip().upper()
            # A few rows hold a truncated code ("H13", "K"): not a ROME fiche.
            if not _ROME_CODE.match(rome_code):
                invalid += 1
                continue
            rome = FicheRome(rome_code=rome_code, rome_label=clean_text(row["libelle"]))
            yield row["CodeRNCP"].strip().upper(), rome
        if invalid:
            ctx.warn(f"RNCP 2021 : {invalid} code(s) ROME incomplet(s) ignoré(s).")


class _OfficialLayout:
    @staticmethod
    def _read(path, ctx, required):
        return read_csv(path, ctx, encoding="utf-8-sig", delimiter=";", required=required)

    @classmethod
    def fiches(cls, tables, ctx):
        # Both columns say who follows whom: a fiche's own row names its successor
        # (Nouvelle_Certification), and its successor's row names it back
        # (Ancienne_Certification). Reading both keeps a chain whole when one fiche's own
        # row is missing from an export.
        successors = {}
        required = ("Numero_Fiche", "Nouvelle_Certification")
        for row in cls._read(tables["successors"], ctx, required):
            code = row["Numero_Fiche"].strip().upper()
            successors.setdefault(code, set()).add(row["Nouvelle_Certification"])
            previous = (row.get("Ancienne_Certification") or "").strip().upper()
            if previous:
                successors.setdefault(previous, set()).add(code)
        fiches = {}
        required = (
            "Numero_Fiche",
            "Intitule",
            "Abrege_Libelle",
            "Nomenclature_Europe_Niveau",
            "Date_dernier_jo",
            "Date_Decision",
            "Date_Fin_Enregistrement",
            "Actif",
        )
        for row in cls._read(tables["fiches"], ctx, required):
            registered_on = parse_french_date(
                row["Date_Decision"] or row["Date_dernier_jo"] or row.get("Date_Effet"), ctx
            )
            fiche = _make_fiche(
                ctx,
                code=row["Numero_Fiche"],
                title=row["Intitule"],
                abbreviation=row["Abrege_Libelle"],
                level=row["Nomenclature_Europe_Niveau"],
                active=row["Actif"],
                registered_on=registered_on,
                expires_on=parse_french_date(row["Date_Fin_Enregistrement"], ctx),
            )
            if fiche:
                fiche.successor_code = _pick_successor(successors.get(fiche.code, ()))
                fiches[fiche.code] = fiche
        return list(fiches.values())

    @classmethod
    def blocs(cls, path, ctx):
        required = ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")
        for row in cls._read(path, ctx, required):
            code = row["Bloc_Competences_Code"].strip().upper()
            if code:
                bloc = FicheBloc(code=code, title=clean_text(row["Bloc_Competences_Libelle"]))
                yield row["Numero_Fiche"].strip().upper(), bloc

    @classmethod
    def certifiers(cls, path, ctx):
        required = ("Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur")
        for row in cls._read(path, ctx, required):
            name = clean_text(row["Nom_Certificateur"])
            if name:
                siret = clean_siret(row["Siret_Certificateur"])
                yield row["Numero_Fiche"].strip().upper(), FicheCertifier(name=name, siret=siret)

    @classmethod
    def rome(cls, path, ctx):
        for row in cls._read(path, ctx, ("Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle")):
            rome_code = row["Codes_Rome_Code"].strip().upper()
            if _ROME_CODE.match(rome_code):
                rome = FicheRome(
                    rome_code=rome_code, rome_label=clean_text(row["Codes_Rome_Libelle"])
                )
                yield row["Numero_Fiche"].strip().upper(), rome


# --- Cleaning values ----------------------------------------------------------------------


def clean_text(value):
    """Both layouts escape apostrophes SQL-style ("d''affaires"); titles span lines."""
    return clean_spaces((value or "").replace("''", "'"))


def clean_siret(value):
    """ "\\t11004301500012" → "11004301500012"; anything but 14 digits → blank."""
    digits = re.sub(r"\s", "", value or "")
    return digits if len(digits) == 14 and ascii_digits(digits) else ""


def parse_level(value):
    """ "NIV3" (official export), "niveau7" (2021 tables) → 3, 7; "REPRISE", "" → None."""
    match = _LEVEL.match((value or "").strip().upper())
    return int(match[1]) if match else None


def parse_french_date(value, ctx=None):
    """ "31/08/2023" → date(2023, 8, 31)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        if ctx is not None:
            ctx.warn(f"RNCP : date illisible « {value} » ignorée.")
        return None


def parse_excel_date(value, ctx=None):
    """Dates re-saved by an American Excel: month first, two-digit year ("8/31/16")."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        month, day, year = (int(part) for part in value.split("/"))
        if year < 100:
            # The RNCP starts in 2002 and no registration runs past 2069.
            year += 2000 if year < 70 else 1900
        return date(year, month, day)
    except ValueError:
        if ctx is not None:
            ctx.warn(f"RNCP 2021 : date illisible « {value} » ignorée.")
        return None
