"""The baseline every benchmark prints next to its figure: reading back rows a run wrote
and timing their re-insertion, untransformed, into empty copies of their tables (COPY on
PostgreSQL, one executemany in one transaction on SQLite) — the floor any loader could
reach.

`measure(url, selections)` runs it in a process of its own: Django, set up once per
process, would keep the first database's settings for the second one.
A selection is `(table, where_sql, params)`; `where_sql` uses `%s` placeholders.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(url: str, selections: list) -> tuple[int, float]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    output = subprocess.run(
        [sys.executable, "-m", "bench._bare", json.dumps(selections)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows, seconds = json.loads(output.strip().splitlines()[-1])
    return rows, seconds


def reload(selections: list) -> tuple[int, float]:
    """In-process (Django already set up on the right database)."""
    from django.db import connection, transaction

    total, elapsed = 0, 0.0
    with connection.cursor() as cursor:
        for table, where_sql, params in selections:
            copy = f"bench_{table}"
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 1 = 0")
            cursor.execute(f"SELECT * FROM {table} WHERE {where_sql}", params)
            rows = cursor.fetchall()
            total += len(rows)
            if rows:
                started = time.perf_counter()
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        with cursor.cursor.copy(f"COPY {copy} FROM STDIN") as pg_copy:
                            for row in rows:
                                pg_copy.write_row(row)
                    else:
                        marks = ", ".join(["%s"] * len(rows[0]))
                        cursor.executemany(f"INSERT INTO {copy} VALUES ({marks})", rows)
                elapsed += time.perf_counter() - started
            cursor.execute(f"DROP TABLE {copy}")
    return total, elapsed


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(reload(json.loads(sys.argv[1]))))
