"""Test guardrails used from the test settings (imported there, so no Django imports)."""

import functools


class InvalidVariable(str):
    """`string_if_invalid` that fails on an unknown variable in one of our templates.

    Django asks `"%s" in string_if_invalid` and then formats it with the variable name;
    we raise there. Third-party templates (django-dsfr, admin) read optional variables
    on purpose, so only templates under `passeport/` are held to it.
    """

    def __new__(cls):
        # Truthy, or Django would not use it at all.
        return super().__new__(cls, "<variable inconnue>")

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, variable_name):
        import inspect

        # The innermost template node being rendered knows which file it came from
        # (blocks of a child template render under its parent's render context).
        for frame_info in inspect.stack(context=0)[1:30]:
            node = frame_info.frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            if origin is not None and hasattr(node, "token"):
                if "/passeport/" in str(origin.name):
                    raise AssertionError(
                        f"Variable de gabarit inconnue « {variable_name} » dans {origin.name}"
                    )
                return ""
        return ""


# --- No internal code reaches a person ---------------------------------------------------

# UPPER_SNAKE tokens (enum values, official column names) and snake_case tokens (claim
# names, model fields) in what a page shows; a real code (RNCP35185, H2909) has no "_".
_UPPER_SNAKE = r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"
_LOWER_SNAKE = r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
# Where a code is the point of the page: the admin, the API's documentation, the
# development identity provider (FranceConnect's test identities by their login).
CODES_ALLOWED_UNDER = ("/admin/", "/admin-portail/", "/api/", "/dev-idp/")
# OAuth2's own parameter names, which a developer types in their software.
CODES_ALLOWED = {"client_id", "client_secret"}


def _file_vocabularies() -> set[str]:
    """The official column names and values of the files people send us: a declarant
    types them in their files, so pages name them (beside their French label)."""
    from passeport.catalog import bulk_files, sessions_csv
    from passeport.cpf.imports import ACTIVITY_CODES, AGENT_COLUMNS, CEC_COLUMNS
    from passeport.funding.order_files import LINE_COLUMNS
    from passeport.prevention.lines import ADF_COLUMNS, JDR_COLUMNS

    return {
        *ADF_COLUMNS,
        *JDR_COLUMNS,
        *CEC_COLUMNS,
        *AGENT_COLUMNS,
        *ACTIVITY_CODES,
        *LINE_COLUMNS,
        *bulk_files.COLUMNS,
        *bulk_files.ACTIONS,
        *sessions_csv.COLUMNS,
    }


class InternalCodes:
    """What the guardrail found during one test: (path, token, the text around it)."""

    found: list[tuple[str, str, str]] = []


@functools.cache
def _file_vocabularies_cached() -> frozenset[str]:
    return frozenset(_file_vocabularies())


def internal_codes(path: str, html: str) -> list[tuple[str, str, str]]:
    """Internal codes in the text a person reads on `html` (scripts, styles, code
    samples, attributes and addresses excluded)."""
    import re

    import lxml.html

    if path.startswith(CODES_ALLOWED_UNDER) or not html.strip():
        return []
    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # not a document: nothing a person reads as a page
        return []
    for element in tree.xpath("//script|//style|//code|//pre|//textarea|//template|//svg"):
        element.drop_tree()
    text = " ".join(" ".join(tree.itertext()).split())
    text = re.sub(r"\S+@\S+|https?://\S+|\S+\.(?:csv|xlsx|xml|json|pdf|typ)\b", " ", text)
    found = []
    for pattern in (_UPPER_SNAKE, _LOWER_SNAKE):
        for match in re.finditer(pattern, text):
            token = match.group(0)
            if token in CODES_ALLOWED or token in _file_vocabularies_cached():
                continue
            around = text[max(0, match.start() - 40) : match.end() + 40]
            found.append((path, token, around))
    return found


class InternalCodesMiddleware:
    """Test settings only: records the internal codes of every HTML page the suite
    renders; `tests/conftest.py` fails the test that rendered one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if (
            content_type.startswith("text/html")
            and not response.streaming
            and response.status_code < 500
        ):
            html = response.content.decode(response.charset or "utf-8", "replace")
            InternalCodes.found.extend(internal_codes(request.path, html))
        return response
