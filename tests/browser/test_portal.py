"""The information portal in a real browser, at 360 px and 1280 px: every page accessible
(axe), no horizontal scrolling, no CSP violation; an operator edits and a moderator
publishes a page in Wagtail's admin, then a visitor finds it by search."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from playwright.sync_api import expect

from passeport.portal import fiches
from passeport.portal.models import ContentPage, FichePage, NewsPage, RiskFamilyPage
from passeport.portal.setup import EDITORS, MODERATORS, setup_portal
from passeport.users.enums import IdentityProvider, UserKind
from tests.browser.phone import check_page, check_pages, fixture_dir, watch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(settings):
    from django.core.cache import cache

    cache.clear()
    setup_portal()
    settings.PORTAL_FICHES_DIR = str(fixture_dir())
    fiches.import_fiches(only=["F10705", "F34030"])
    yield
    cache.clear()


@pytest.fixture
def anonymous(browser):
    contexts = []

    def new_page(width):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def test_portal_pages_at_360_and_1280(anonymous, live_server, axe, portal):
    pages = {
        "accueil": "/",
        "portail": "/portail/",
        "titulaires": ContentPage.objects.get(portal_key="titulaires").url,
        "employeurs": ContentPage.objects.get(portal_key="employeurs").url,
        "risques": ContentPage.objects.get(portal_key="risques").url,
        "famille": RiskFamilyPage.objects.get(family="equipment").url,
        "faq": ContentPage.objects.get(portal_key="faq").url,
        "actualites": "/portail/actualites/",
        "actualite": NewsPage.objects.order_by("date").first().url,
        "fiches": "/portail/vos-droits/",
        "fiche": FichePage.objects.get(fiche_id="F10705").url,
        "recherche": "/portail/recherche/?q=s%C3%A9curit%C3%A9",
        "eligibilite": "/prevention/eligibilite/",
        "verifier": "/verifier/",
        "hors-ligne": "/hors-ligne/",
        "connexion": "/identity/connexion/",
    }
    check_pages(anonymous, live_server, axe, pages)


def test_menus_and_home_cards_lead_somewhere(anonymous, live_server, axe, portal):
    page = anonymous(360)
    watch(page)
    page.goto(live_server.url + "/")
    # Each card of the home page is a link to its portal page.
    page.get_by_role("link", name="Employeurs").click()
    expect(page).to_have_url(re.compile(r"/portail/employeurs/$"))
    # The main menu (in the phone's modal) opens the portal's sections.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="S'informer").click()
    page.get_by_role("link", name="Les six familles de risques professionnels").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Les six familles de risques professionnels"
    )
    page.get_by_role("link", name="Risques chimiques", exact=True).click()
    expect(page.locator("caption")).to_contain_text("Risques chimiques")
    # On a phone, the trainings table is a stacked list: each cell says its column.
    cell = page.locator("td[data-label='Renouvellement']").first
    expect(cell).to_be_visible()
    assert page.evaluate(
        "getComputedStyle(document.querySelector(\"td[data-label='Renouvellement']\"),"
        " '::before').content"
    ).startswith('"Renouvellement')
    # The FAQ's accordions open.
    page.goto(live_server.url + ContentPage.objects.get(portal_key="faq").url)
    page.get_by_role("button", name="ADF ou JDR ?").click()
    expect(page.get_by_text("seul le JDR est déclaré")).to_be_visible()
    check_page(page, page.url, axe, "faq-ouverte", width=360)


def _operator(username, group):
    user = UserFactory(
        username=username,
        kind=UserKind.OPERATOR,
        identity_provider=IdentityProvider.DJANGO,
        is_staff=True,
    )
    user.set_password("mot-de-passe-operateur")
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/admin-portail/")
    # Sent to the login page, which leads operators to the administration's login.
    page.get_by_role("link", name="connexion à l'administration").click()
    page.fill("#id_username", username)
    page.fill("#id_password", "mot-de-passe-operateur")
    page.locator("input[type=submit], button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin-portail/$"))


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="Wagtail's editor sends requests in parallel, and on SQLite pytest-django's live "
    "server shares one in-memory connection between its threads (savepoints interleave); "
    "run on PostgreSQL",
)
def test_operator_edits_moderator_publishes_visitor_finds(browser, live_server, portal):
    _operator("redaction", EDITORS)
    _operator("moderation", MODERATORS)
    page_model = ContentPage.objects.get(portal_key="employeurs")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    console = watch(page)

    _log_in(page, live_server, "redaction")
    page.goto(f"{live_server.url}/admin-portail/pages/{page_model.pk}/edit/")
    page.fill("#id_intro", "Nouveauté : l'inventaire des habilitations électriques.")
    # Editors cannot publish: they submit to moderation.
    page.locator("[data-w-dropdown-target='toggle'], .dropdown-toggle").last.click()
    page.get_by_role("button", name=re.compile("Soumettre|Submit")).first.click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    assert page.evaluate("window.__cspViolations || []") == []

    page.context.clear_cookies()
    _log_in(page, live_server, "moderation")
    page.goto(f"{live_server.url}/admin-portail/pages/{page_model.pk}/edit/")
    page.locator("[data-w-dropdown-target='toggle'], .dropdown-toggle").last.click()
    page.get_by_role("button", name=re.compile("Approuver|Approve")).first.click()
    page.wait_for_load_state("load")
    assert page.evaluate("window.__cspViolations || []") == []
    assert console == [], console
    context.close()

    visitor = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    page = visitor.new_page()
    page.goto(live_server.url + "/portail/recherche/")
    page.fill("#recherche-portail", "habilitations electriques inventaire")
    page.get_by_role("button", name="Rechercher").first.click()
    expect(page.get_by_role("link", name="Employeurs")).to_be_visible()
    page.get_by_role("link", name="Employeurs").click()
    expect(page.get_by_text("l'inventaire des habilitations électriques")).to_be_visible()
    visitor.close()
