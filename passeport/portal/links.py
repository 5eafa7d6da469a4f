"""What the rest of the service knows of the portal: the address of a page by its
`portal_key` (audiences, risk families, FAQ…) and the menu of the portal's sections,
both cached per generation (see `cache`)."""

from wagtail.models import Page

from . import cache


def _urls() -> dict[str, str]:
    from .models import ContentPage, NewsIndexPage, PortalHomePage, RiskFamilyPage

    urls = {}
    for model in (PortalHomePage, ContentPage, RiskFamilyPage, NewsIndexPage):
        for page in model.objects.live().public().exclude(portal_key="").order_by("pk"):
            urls[page.portal_key] = page.url
    for page in RiskFamilyPage.objects.live().public().order_by("pk"):
        urls.setdefault(f"famille-{page.family}", page.url)
    return urls


def page_urls() -> dict[str, str]:
    return cache.cached("urls", _urls)


def page_url(portal_key: str) -> str:
    return page_urls().get(portal_key, "")


def family_url(family: str) -> str:
    return page_url(f"famille-{family}")


def _menu() -> list[dict]:
    from .models import PortalHomePage

    home = PortalHomePage.objects.live().first()
    if home is None:
        return []
    children = Page.objects.child_of(home).live().public().in_menu().order_by("path")
    return [{"title": page.title, "url": page.url} for page in children]


def menu() -> list[dict]:
    return cache.cached("menu", _menu)
