"""Fast bulk inserts for imports and generators.

Django's `bulk_create` builds one multi-row INSERT per small batch (SQLite allows 999
parameters, so ~30 rows of a 30-column table) and prepares every value through the
compiler: on 100,000-row loads that overhead dominates. Here values are prepared once
with each field's own `get_db_prep_save` (same conversions as the ORM) and sent with one
`executemany` (SQLite) or `COPY` (PostgreSQL). Written by hand because no maintained
library does this for arbitrary Django models on both backends; it does not return
primary keys (callers fetch them by a unique column when they need them).
"""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models

# Fields whose database value is the Python value itself (strings, integers, booleans):
# skipping their `get_db_prep_save` halves the time of a load.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField))
    ]


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> int:
    if not objects:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]  # the object itself, not the proxy
    fields = _insert_fields(model)
    getters = [_getter(field, connection) for field in fields]
    rows = [tuple(get(obj) for get in getters) for obj in objects]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            # Table and column names come from the model, quoted; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return len(rows)


def _getter(field: models.Field, connection):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    attname = field.attname
    if isinstance(field, _PLAIN) and not field.is_relation:
        return lambda obj: getattr(obj, attname)
    if field.is_relation:
        return lambda obj: getattr(obj, attname)  # the foreign key's raw value
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)
