"""The baseline every benchmark prints next to its figure: reading back rows a run wrote
and timing their re-insertion, untransformed, into empty copies of their tables (COPY on
PostgreSQL, one executemany in one transaction on SQLite) — the floor any loader could
reach.

A second figure loads the same rows the same way into copies that keep their table's
schema: its indexes, unique, check and foreign-key constraints (still deferred to the
commit). That is what the database itself pays to store those rows in this schema; the
first figure (no index, no constraint) is the floor of the disk and the protocol.

`measure(url, selections)` runs it in a process of its own: Django, set up once per
process, would keep the first database's settings for the second one; it returns
`(rows, bare seconds, with-schema seconds)`.
A selection is `(table, where_sql, params)`; `where_sql` uses `%s` placeholders.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent


def measure(url: str, selections: list) -> tuple[int, float, float]:
    env = django_env(url)
    output = subprocess.run(
        [sys.executable, "-m", "bench._bare", json.dumps(selections)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows, seconds, with_schema = json.loads(output.strip().splitlines()[-1])
    return rows, seconds, with_schema


def reload(selections: list) -> tuple[int, float, float]:
    """In-process (Django already set up on the right database): rows, seconds into bare
    copies, seconds into copies with the tables' schema."""
    from django.db import connection, transaction

    total, elapsed, with_schema = 0, 0.0, 0.0
    with connection.cursor() as cursor:
        for table, where_sql, params in selections:
            cursor.execute(f"SELECT * FROM {table} WHERE {where_sql}", params)
            rows = cursor.fetchall()
            total += len(rows)
            for schema in (False, True):
                copy = f"bench_{table}"
                cursor.execute(f"DROP TABLE IF EXISTS {copy}")
                _create_copy(cursor, connection.vendor, table, copy, schema=schema)
                if rows:
                    started = time.perf_counter()
                    with transaction.atomic():  # the deferred checks run at its commit
                        if connection.vendor == "postgresql":
                            with cursor.cursor.copy(f"COPY {copy} FROM STDIN") as pg_copy:
                                for row in rows:
                                    pg_copy.write_row(row)
                        else:
                            marks = ", ".join(["%s"] * len(rows[0]))
                            cursor.executemany(f"INSERT INTO {copy} VALUES ({marks})", rows)
                    seconds = time.perf_counter() - started
                    if schema:
                        with_schema += seconds
                    else:
                        elapsed += seconds
                cursor.execute(f"DROP TABLE {copy}")
    return total, elapsed, with_schema


def with_schema(seconds: float, with_schema: float) -> dict:
    """Prints the second baseline next to the measured `seconds`; returns its figures for
    the results file."""
    ratio = seconds / with_schema if with_schema else float("nan")
    print(
        f"chargement des mêmes lignes dans des copies avec index et contraintes : "
        f"{with_schema:.1f} s — traitement = {ratio:.1f} × ce chargement"
    )
    return {
        "schema_load_s": round(with_schema, 2),
        "ratio_to_schema_load": round(ratio, 2) if with_schema else None,
    }


def _create_copy(cursor, vendor: str, table: str, copy: str, *, schema: bool) -> None:
    if not schema:
        cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 1 = 0")
    elif vendor == "postgresql":
        # Indexes, unique and check constraints, defaults; then the foreign keys, which
        # LIKE does not copy, as they are defined (deferrable, initially deferred).
        cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for index, (_name, definition) in enumerate(cursor.fetchall()):
            cursor.execute(f"ALTER TABLE {copy} ADD CONSTRAINT {copy}_fk{index} {definition}")
    else:
        # SQLite keeps each table's and index's own CREATE statement.
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY type = 'index'",
            [table],
        )
        for kind, sql in cursor.fetchall():
            if kind == "table":
                sql = sql.replace(f'"{table}"', f'"{copy}"', 1)
            else:
                name_end = sql.index(" ON ")
                sql = sql[:name_end].rstrip('"') + '_bench"' + sql[name_end:]
                sql = sql.replace(f' ON "{table}"', f' ON "{copy}"', 1)
            cursor.execute(sql)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(reload(json.loads(sys.argv[1]))))
