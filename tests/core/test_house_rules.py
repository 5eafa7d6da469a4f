"""The house's layout rules, checked so that the next change keeps them
(docs/architecture.md, "One home per kind of thing")."""

import ast
from pathlib import Path

import passeport

ROOT = Path(passeport.__file__).parent
# "~400 lines": a file a little over it is not worth a split.
LIMIT = 420
REASON = "house's ~400 lines"
# What `api/` may keep: the endpoints common to every organisation and the token endpoint.
SHARED_ROUTERS = {"v1.py", "oauth.py"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_a_long_file_says_why_at_its_top():
    unexplained = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LIMIT:
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if REASON not in docstring:
                unexplained.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lignes)")
    assert not unexplained, "Fichiers trop longs sans raison écrite en tête : " + ", ".join(
        unexplained
    )


def test_domain_routers_live_in_their_app():
    in_api = [
        path.name
        for path in (ROOT / "api").glob("*.py")
        if "Router(" in path.read_text(encoding="utf-8") and path.name not in SHARED_ROUTERS
    ]
    assert not in_api, f"Routeurs de domaine dans passeport/api/ : {in_api}"
    mounted = (ROOT / "api" / "urls.py").read_text(encoding="utf-8")
    assert '"passeport.api.' not in mounted
