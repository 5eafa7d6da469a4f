"""Real workers, out of process: `manage.py run_huey` consumers on a database and a queue of
their own, the import received by the command line and processed by them.

- SQLite queue (the embedded default), one worker: the import is done, the journal intact.
- Redis queue (production), two workers: the one processing a large import is killed
  (SIGKILL, as a lost machine); Huey does not deliver the task again, the periodic resume
  does — run by the other worker — and the import ends with every line declared once and
  the journal intact.

The database follows the suite's (SQLite file, or a PostgreSQL database of its own when
DATABASE_URL names PostgreSQL). Without Redis the second test is skipped, except in CI
(CI=true), where it fails.
"""

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("workers")]


def _postgres_base() -> str | None:
    url = settings.DATABASES["default"]
    if url["ENGINE"] != "django.db.backends.postgresql":
        return None
    user = url.get("USER") or "postgres"
    host, port = url.get("HOST") or "127.0.0.1", url.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}"


class Site:
    """A database, a var/ folder and a queue, shared by the commands and workers run here."""

    def __init__(self, root: Path, url: str, queue: dict[str, str]):
        self.root, self.url, self.queue = root, url, queue
        self.workers: list[subprocess.Popen] = []

    def env(self, **extra) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": self.url,
            "PASSEPORT_VAR_DIR": str(self.root / "var"),
            "PREVENTION_IMPORT_STALE_SECONDS": "3",
            "HUEY_PERIODIC": "false",
            "HUEY_WORKERS": "1",
            "LOG_LEVEL": "WARNING",
            **self.queue,
            **extra,
        }

    def manage(self, *args, **extra) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start_worker(self) -> subprocess.Popen:
        log = open(self.root / f"worker-{len(self.workers)}.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey"],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def stop(self):
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)

    def query(self, sql: str, params=()):
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def wait_for(self, sql: str, predicate, timeout=180.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query(sql)
            if predicate(rows):
                return rows
            time.sleep(0.2)
        logs = "\n".join(p.read_text()[-2000:] for p in self.root.glob("worker-*.log"))
        raise AssertionError(f"délai dépassé : {sql} → {rows}\n{logs}")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A database migrated, with referentials and 300 holders: made once, copied per test."""
    root = tmp_path_factory.mktemp("workers-base")
    base_pg = _postgres_base()
    name = f"jobs_e2e_{uuid.uuid4().hex[:8]}"
    url = f"{base_pg}/{name}" if base_pg else f"sqlite:///{root / 'base.sqlite3'}"
    if base_pg:
        import psycopg

        with psycopg.connect(f"{base_pg}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    site = Site(root, url, {})
    site.manage("migrate", "--noinput")
    extract = ROOT / "passeport" / "referentials" / "extract"
    site.manage("load_referentials", "--source", str(extract), "--no-progress")
    site.manage("seed_demo", "--holders", "300", "--seed", "3")
    yield site
    if base_pg:
        import psycopg

        with psycopg.connect(f"{base_pg}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy(prepared: "Site", root: Path, queue: dict[str, str]) -> "Site":
    shutil.copytree(prepared.root / "var", root / "var")
    if prepared.url.startswith("sqlite:///"):
        shutil.copy(prepared.url.removeprefix("sqlite:///"), root / "site.sqlite3")
        url = f"sqlite:///{root / 'site.sqlite3'}"
    else:
        import psycopg

        base, template = prepared.url.rsplit("/", 1)
        name = f"{template}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = f"{base}/{name}"
    return Site(root, url, queue)


def _provider(site: Site) -> str:
    ((siret,),) = site.query(
        "SELECT siret FROM organisations_organisation WHERE is_training_provider "
        "ORDER BY id LIMIT 1"
    )
    return siret


def _import_through_the_queue(site: Site, lines: int) -> str:
    siret = _provider(site)
    path = site.root / "adf.csv"
    site.manage("generate_prevention", str(path), "--kind", "adf", "--lines", str(lines),
                "--declarant", siret, "--seed", "7")  # fmt: skip
    out = site.manage("import_prevention", str(path), "--kind", "adf", "--declarant", siret,
                      "--queue")  # fmt: skip
    assert "confié aux workers" in out
    return path.name


IMPORT = (
    "SELECT status, processed_count, accepted_count, total_count FROM prevention_preventionimport"
)


def _assert_declared_once(site: Site, lines: int):
    ((status, processed, accepted, total),) = site.query(IMPORT)
    assert (status, processed, accepted, total) == ("done", lines, lines, lines)
    ((count, distinct),) = site.query(
        "SELECT COUNT(*), COUNT(DISTINCT partner_unique_id) FROM prevention_declarationline "
        "WHERE source_import_id IS NOT NULL"
    )
    assert count == distinct == lines
    ((records,),) = site.query(
        "SELECT COUNT(*) FROM records_preventiontraining WHERE source_reference LIKE %s",
        ("fichier adf.csv%",),
    )
    assert records == lines
    assert "intact" in site.manage("verify_journal")


def test_a_worker_on_the_sqlite_queue_processes_an_import(prepared, tmp_path):
    site = _copy(prepared, tmp_path, {"HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3")})
    try:
        site.start_worker()
        _import_through_the_queue(site, 600)
        site.wait_for(IMPORT, lambda rows: rows and rows[0][0] == "done")
        _assert_declared_once(site, 600)
        runs = site.query("SELECT name, status FROM jobs_taskrun")
        assert runs == [("passeport.prevention.tasks.process_import", "done")]
    finally:
        site.stop()


def test_the_procfile_serves_pages_and_runs_the_background_work(prepared, tmp_path):
    """`make run`'s shape: the Procfile's `web` and `worker` under honcho, on the embedded
    default's settings; a page is served by gunicorn, an import received by the command
    line is processed by the worker."""
    site = _copy(prepared, tmp_path, {"HUEY_SQLITE_PATH": str(tmp_path / "queue.sqlite3")})
    port = _free_port()
    honcho = subprocess.Popen(
        [str(Path(sys.executable).parent / "honcho"), "start", "web", "worker"],
        cwd=ROOT,
        env=site.env(
            GUNICORN_BIND=f"127.0.0.1:{port}",
            PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            WEB_CONCURRENCY="1",
        ),
        stdout=open(tmp_path / "worker-honcho.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    site.workers.append(honcho)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.status == 200 and b'"ok"' in r.read()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "worker-honcho.log").read_text()
                time.sleep(0.5)
        _import_through_the_queue(site, 300)
        site.wait_for(IMPORT, lambda rows: rows and rows[0][0] == "done")
        # The service's own French 404, not Django's debug page.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nexistepas", timeout=5)
        assert missing.value.code == 404 and "Page non trouvée" in missing.value.read().decode()
    finally:
        # honcho starts each process in its own session: killing honcho's group would leave
        # gunicorn and the worker running. SIGTERM makes honcho stop them, as Ctrl-C does.
        honcho.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            honcho.wait(30)
        site.stop()
        left = _processes_of(str(tmp_path))
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert not left, "gunicorn ou le worker survivent à honcho"


def _processes_of(marker: str) -> list[int]:
    """The processes whose environment names `marker` (this test's directory), a few
    seconds after they were asked to stop: what honcho left behind (Linux's /proc)."""
    deadline = time.monotonic() + 10
    while True:
        found = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            with contextlib.suppress(OSError):
                if marker.encode() in environ.read_bytes():
                    found.append(int(environ.parent.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_available() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def test_a_worker_killed_during_a_large_import_loses_nothing(prepared, tmp_path):
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis ne répond pas sur 127.0.0.1:6379 (requis en CI).")
        pytest.skip("Redis ne répond pas sur 127.0.0.1:6379.")
    queue = {
        "HUEY_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "HUEY_QUEUE_NAME": f"passeport-test-{uuid.uuid4().hex[:8]}",
    }
    site = _copy(prepared, tmp_path, queue)
    lines = 12_000
    try:
        workers = [site.start_worker(), site.start_worker()]
        _import_through_the_queue(site, lines)
        # Some batches are committed, the rest is to come: kill the worker that runs it.
        site.wait_for(IMPORT, lambda rows: rows and 0 < rows[0][1] < lines, timeout=240)
        ((worker,),) = site.wait_for(
            "SELECT worker FROM jobs_taskrun WHERE status = 'running'", lambda rows: rows
        )
        pid = int(worker.rsplit(":", 1)[1])
        (killed,) = [w for w in workers if w.pid == pid]
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(10)
        ((status, processed, _accepted, _total),) = site.query(IMPORT)
        assert status == "processing" and processed < lines

        # Huey does not deliver the task again: the periodic resume (run now, as its
        # schedule would) takes the import up once it is silent, on the other worker.
        time.sleep(3.5)
        site.manage("tasks", "--run", "resume_prevention_imports")
        site.wait_for(IMPORT, lambda rows: rows and rows[0][0] == "done", timeout=300)
        _assert_declared_once(site, lines)

        report = site.manage("tasks")
        assert "Interrompue : process_import" in report  # the killed run, said so
    finally:
        site.stop()
        import redis

        client = redis.Redis(*REDIS)
        for key in client.scan_iter(f"huey.*{queue['HUEY_QUEUE_NAME']}*"):
            client.delete(key)
