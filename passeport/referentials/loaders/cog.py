"""INSEE Code officiel géographique (`cog-<table>@<year>.csv`, sfaut/data-cog layout)."""

import re

from ..enums import CommuneKind
from ..models import Commune, Country, Department, Region
from ..text import normalize
from .base import SourceError, match_files, read_csv, unique_by, upsert

NAME = "cog"
LABEL = "Code officiel géographique"
VERSION = 1
MAIN_MODEL = Commune  # empty table: reload even if the files did not change
TABLES = ("regions", "departments", "communes", "countries")
_FILE = re.compile(r"^cog-(?P<table>[a-z]+)@(?P<year>\d{4})\.csv$")


def locate(root):
    """The most recent year that has the four tables."""
    years = {}
    for match, path in match_files(root, _FILE):
        years.setdefault(match["year"], {})[match["table"]] = path
    for year in sorted(years, reverse=True):
        if all(table in years[year] for table in TABLES):
            return {table: years[year][table] for table in TABLES}
    expected = ", ".join(f"cog-{table}@<année>.csv" for table in TABLES)
    raise SourceError(f"Fichiers du COG introuvables dans {root} (attendus : {expected}).")


def load(files, ctx):
    regions = upsert(
        Region,
        (
            Region(code=row["code"], name=row["name"])
            for row in read_csv(files["regions"], ctx, required=("code", "name"))
        ),
        unique_fields=["code"],
        update_fields=["name"],
    )
    departments = upsert(
        Department,
        (
            Department(code=row["code"], name=row["name"], region_code=row["region_code"])
            for row in read_csv(files["departments"], ctx, required=("code", "name", "region_code"))
        ),
        unique_fields=["code"],
        update_fields=["name", "region_code"],
    )
    communes = upsert(
        Commune,
        unique_by(
            _communes(files["communes"], ctx),
            key=lambda c: (c.code, c.kind),
            ctx=ctx,
            label="communes",
        ),
        unique_fields=["code", "kind"],
        update_fields=["name", "department_code", "region_code", "parent_code", "search_text"],
    )
    countries = upsert(
        Country,
        (
            Country(
                code=row["code"],
                iso2=row["iso2_code"],
                iso3=row["iso3_code"],
                name=row["name"],
                official_name=row["official_name"],
                search_text=normalize(f"{row['name']} {row['official_name']}"),
            )
            for row in read_csv(
                files["countries"],
                ctx,
                required=("code", "iso2_code", "iso3_code", "name", "official_name"),
            )
        ),
        unique_fields=["code"],
        update_fields=["iso2", "iso3", "name", "official_name", "search_text"],
    )
    return {
        "régions": regions,
        "départements": departments,
        "communes": communes,
        "pays": countries,
    }


def _communes(path, ctx):
    kinds = set(CommuneKind.values)
    required = ("code", "type_code", "name", "parent_code", "department_code", "region_code")
    for row in read_csv(path, ctx, required=required):
        if row["type_code"] not in kinds:
            ctx.warn(f"communes : type inconnu « {row['type_code']} » ({row['code']}) ignoré.")
            continue
        yield Commune(
            code=row["code"],
            kind=row["type_code"],
            name=row["name"],
            department_code=row["department_code"],
            region_code=row["region_code"],
            parent_code=row["parent_code"],
            search_text=normalize(row["name"]),
        )
