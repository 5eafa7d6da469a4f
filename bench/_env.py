"""The environment every measured process runs in: the embedded default's settings
without DEBUG, as in production. With DEBUG, Django keeps the text of the last 9,000
queries (an import's large parameter lists with them: its memory grew with the file) and
times each one."""

import os
from pathlib import Path


def django_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        **extra,
    }


def own_database(url: str, suffix: str) -> str:
    """A benchmark's own fresh database next to the one `bench/__main__.py` hands out:
    `<name>-<suffix>.sqlite3` beside its SQLite file, or `<name>_<suffix>` on its server."""
    if url.startswith("sqlite:///"):
        base = Path(url.removeprefix("sqlite:///"))
        path = base.with_name(f"{base.stem}-{suffix}.sqlite3")
        for end in ("", "-wal", "-shm"):
            Path(f"{path}{end}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base, name = url.rsplit("/", 1)
    name = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"
