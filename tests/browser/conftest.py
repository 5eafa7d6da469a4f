"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded
browser) against pytest-django's live server, with axe-core (bundled by
axe-playwright-python) checking accessibility.

Every context records the page's Content-Security-Policy violations (the
`securitypolicyviolation` event, what the console reports), and the `axe` check fails on any:
no page may break our own policy.

Skipped, with the reason, where /usr/bin/chromium is absent."""

import os
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots of each page checked, for review, when set (a folder).
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS", "")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(reason="/usr/bin/chromium absent : apt-get install chromium")
                )


# Runs in every frame before the page's own scripts.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


class RecordingBrowser:
    """Chromium whose every new context records CSP violations."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(CSP_RECORDER)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself (fixtures, assertions) are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield RecordingBrowser(browser)
        browser.close()


@pytest.fixture
def logged_in(browser, live_server):
    """A function giving a page logged in as `user` (the session cookie of
    `Client.force_login`), with a viewport width."""
    contexts = []

    def open_page(user, width=1280, height=1400):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    instance = Axe()

    def check(page, name):
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOTS}/{name}.png")
        assert csp_violations(page) == [], f"{name} : violations de la CSP"
        results = instance.run(page)
        assert results.violations_count == 0, f"{name} :\n{results.generate_report()}"

    return check
