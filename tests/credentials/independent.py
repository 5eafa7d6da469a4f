"""Running the independent verifiers (tests/credentials/verifiers, npm, pinned) on what
the service issues, with the public material it serves (keys, DID document, status
lists, pinned contexts) passed in: offline."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from passeport.credentials import jsonld, statuslists

VERIFIERS = Path(__file__).parent / "verifiers"
MISSING = (
    "node ou les vérificateurs npm absents : `make test` les installe "
    "(npm ci dans tests/credentials/verifiers)"
)


def available() -> bool:
    modules = VERIFIERS / "node_modules"
    return bool(shutil.which("node")) and all(
        (modules / name).is_dir() for name in ("@sd-jwt", "@sphereon", "@openid4vc", "dcql")
    )


def require():
    """Skips locally when the verifiers are not installed; fails in CI (CI=true)."""
    if available():
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(MISSING)
    pytest.skip(MISSING)


def run(requests: list[dict]) -> list[dict]:
    require()
    done = subprocess.run(
        [shutil.which("node"), "verify.mjs"],
        input=json.dumps(requests),
        cwd=VERIFIERS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _get(client, url: str) -> str:
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, url
    return response.content.decode()


def sd_jwt_request(client, credential: str, **extra) -> dict:
    payload = json.loads(statuslists.b64url_decode(credential.split("~")[0].split(".")[1]))
    uri = payload["status"]["status_list"]["uri"]
    return {
        "format": "sd-jwt",
        "credential": credential,
        "jwks": client.get("/.well-known/jwks.json").json(),
        "statusLists": {uri: _get(client, uri)},
        **extra,
    }


def open_badge_request(client, document: dict) -> dict:
    status = document.get("credentialStatus") or []
    urls = {entry["statusListCredential"] for entry in status}
    return {
        "format": "open-badge",
        "credential": document,
        "didDocument": client.get("/.well-known/did.json").json(),
        "statusLists": {url: json.loads(_get(client, url)) for url in urls},
        "contexts": {
            url: jsonld.context_document(url) for url in (jsonld.OB_V3, jsonld.MULTIKEY_V1)
        },
    }


def wallet(steps: list[dict]) -> list[dict]:
    """Runs the independent wallet (`wallet.mjs`) over `steps` against the live server
    the steps name; one answer per step."""
    require()
    done = subprocess.run(
        [shutil.which("node"), "wallet.mjs"],
        input=json.dumps(steps),
        cwd=VERIFIERS,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
