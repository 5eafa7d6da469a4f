"""/api/docs in a real browser: Swagger UI renders every operation of the OpenAPI document
(a duplicated "200" key once made it show only a parser error), within our CSP."""

import pytest

from tests.browser.conftest import csp_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_every_operation(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    schema = page.evaluate("fetch('/api/openapi.json').then((r) => r.json())")
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert page.locator(".errors-wrapper").count() == 0
    assert "accuse.xml" in page.content()
    assert csp_violations(page) == []
    context.close()
