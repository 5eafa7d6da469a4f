"""HTTP load with wrk (a C load generator: the client costs little next to the server,
unlike a Python thread pool), against gunicorn started from the Procfile's settings.

`serve(...)` starts gunicorn on a free port; `load(...)` runs wrk and returns requests/s,
p50 and p99 (from wrk's `--latency` distribution) and the share of non-2xx answers.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk")


def available() -> bool:
    return WRK is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn ne répond pas")


@contextlib.contextmanager
def serve(env: dict[str, str], app: str = "config.wsgi", workers: int = 2, threads: int = 1):
    """gunicorn with `config/gunicorn.py` (the Procfile's `web`), `workers` processes."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", app],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "WEB_THREADS": str(threads),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


_SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
{headers}
"""


def _lua(method: str, body: bytes | None, headers: dict[str, str]) -> str:
    lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    # A Lua long string: wrk sends the body byte for byte.
    literal = "nil" if body is None else f"[==[{body.decode()}]==]"
    return _SCRIPT.format(method=method, body=literal, headers=lines)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def load(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    connections: int = 4,
    seconds: int = 10,
    threads: int = 1,
) -> dict:
    """wrk at `connections` concurrent connections for `seconds`, after two warm-up seconds
    (both workers' connections to the database and caches open)."""
    headers = dict(headers or {})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(method, body, headers))
    try:
        base = [WRK, "-s", script.name, f"-t{threads}", f"-c{max(connections, threads)}"]
        subprocess.run([*base, "-d2s", url], check=True, capture_output=True)
        output = subprocess.run(
            [*base, f"-d{seconds}s", "--latency", url], check=True, capture_output=True, text=True
        ).stdout
    finally:
        os.unlink(script.name)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "connections": connections,
        "per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+(\S+)", output).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+(\S+)", output).group(1)),
        "requests": requests,
        "errors": int(errors.group(1)) if errors else 0,
    }


def saturating(url: str, levels=(1, 2, 4, 8, 16), **options) -> tuple[int, list[dict]]:
    """The smallest concurrency reaching 95 % of the best throughput seen, and every run."""
    runs = [load(url, connections=level, **options) for level in levels]
    best = max(run["per_s"] for run in runs)
    level = next(run["connections"] for run in runs if run["per_s"] >= 0.95 * best)
    return level, runs
