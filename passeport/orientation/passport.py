"""The passport entries the profile reads, in one query: the current versions of every
kind of entry, the columns each needs, as plain dicts keyed as the models name them.

One `UNION ALL` of six selects instead of six queries: on PostgreSQL each query pays
its planning and a round trip, which the profile's fixed number of queries multiplies.
Hand-written because the ORM's `union` needs the same columns in every select; values
come back as each backend stores them (a UUID is hex text on SQLite, JSON is text).
"""

import json
import uuid

from django.db import connection

from passeport.records.enums import DeclaredItemKind
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)

CURRENT = ("active", "expired")
# kind → (model, its columns in the union's four places, the third one JSON; None
# where the kind has nothing). Rows are keyed by these column names.
_SELECTS = {
    "certification": (Certification, ("code", "title", None, None)),
    "training": (Training, ("certification_code", "title", None, "end_date")),
    "prevention": (PreventionTraining, ("training_kind", "title", "transferable_skills", None)),
    "employment": (EmploymentPeriod, ("pcs_ese", "job_title", None, "employer_name")),
    "engagement": (Engagement, ("engagement_kind", "role", None, "organisation_name")),
    "declared": (DeclaredItem, ("item_kind", "title", "rome_skills", None)),
}


def _sql() -> str:
    json_null = "NULL::jsonb" if connection.vendor == "postgresql" else "NULL"
    selects = []
    for kind, (model, columns) in _SELECTS.items():
        values = []
        for index, column in enumerate(columns):
            if column is None:
                values.append(json_null if index == 2 else "NULL")
            elif column == "end_date":  # a date among texts: as ISO text on both backends
                values.append(f'CAST("{column}" AS VARCHAR(10))')
            else:
                values.append(f'"{column}"')
        where = "person_id = %s AND status IN (%s, %s)"
        if model is DeclaredItem:
            where += " AND item_kind IN (%s, %s)"
        selects.append(
            f"SELECT '{kind}', public_id, assurance, {', '.join(values)} "  # noqa: S608
            f'FROM "{model._meta.db_table}" WHERE {where}'
        )
    return " UNION ALL ".join(selects)


def _uuid(value) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _json(value) -> list:
    if value is None or isinstance(value, list):
        return value or []
    return json.loads(value)


def entries(person) -> dict[str, list[dict]]:
    """kind → rows: {"public_id", "assurance", and the kind's own keys}."""
    params = []
    for kind in _SELECTS:
        params += [person.pk, *CURRENT]
        if kind == "declared":
            params += [DeclaredItemKind.SKILL, DeclaredItemKind.EXPERIENCE]
    found = {kind: [] for kind in _SELECTS}
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        for kind, public_id, assurance, *values in cursor.fetchall():
            row = {"public_id": _uuid(public_id), "assurance": assurance}
            for index, (key, value) in enumerate(zip(_SELECTS[kind][1], values, strict=True)):
                if key is not None:
                    row[key] = _json(value) if index == 2 else (value or "")
            found[kind].append(row)
    return found
