"""The service on a phone and as an installed app, in Chromium: holder and employer pages
at 360 px and 1280 px (axe, no horizontal scrolling, no CSP violation; the board's chart
readable), the installability criteria, and the holder's passport and QR codes read
offline — only the holder's own, and nothing left after logout."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from passeport.consent.models import ConsentScope
from passeport.consent.services import set_prevention_consent
from passeport.documents.models import DocumentKind, DocumentStatus, GeneratedDocument
from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from passeport.portal.setup import setup_portal
from tests.browser.phone import check_pages, watch
from tests.factories import (
    EmploymentPeriodFactory,
    OrganisationFactory,
    PreventionTrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def holder():
    cache.clear()
    setup_portal()
    user = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    today = timezone.localdate()
    for title, kind, until in (
        ("Sauveteur secouriste du travail", "SST", today + datetime.timedelta(days=30)),
        ("CACES R489 cariste", "CACES_R489", today + datetime.timedelta(days=900)),
        (
            "Habilitation électrique B1V",
            "HABILITATION_ELECTRIQUE",
            today - datetime.timedelta(days=3),
        ),
        ("Atelier bien-être", "", None),
    ):
        PreventionTrainingFactory(
            person=user.person,
            title=title,
            training_kind=kind,
            valid_from=today - datetime.timedelta(days=400),
            valid_until=until,
        )
    GeneratedDocument.objects.create(
        person=user.person,
        kind=DocumentKind.CV,
        title="CV cariste",
        holder_label="Angela D.",
        status=DocumentStatus.READY,
        sha256="0" * 64,
        issued_at=timezone.now(),
    )
    return user


@pytest.fixture
def professional(holder):
    organisation = OrganisationFactory(is_employer=True)
    EmploymentPeriodFactory(
        person=holder.person,
        employer=organisation,
        start_date=timezone.localdate() - datetime.timedelta(days=400),
        end_date=None,
    )
    set_prevention_consent(
        holder.person, organisation, scope=ConsentScope.ALL, actor=Actor.for_user(holder)
    )
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    user.organisation = organisation
    return user


def test_holder_pages_on_a_phone(logged_in, live_server, axe, holder):
    pages = {
        "passeport": "/mon-espace/",
        "prevention": "/mon-espace/prevention/",
        "qr-codes": "/mon-espace/qr-codes/",
        "cv": "/mon-espace/cv/",
        "mes-donnees": "/mon-espace/mes-donnees/",
        "rappels": "/mon-espace/rappels/",
        "partages": "/mon-espace/partages/",
    }
    check_pages(lambda width: logged_in(holder, width=width, height=900), live_server, axe, pages)

    page = logged_in(holder, width=360, height=900)
    page.goto(live_server.url + "/mon-espace/prevention/")
    # Grouped by family: the electrical habilitation is in two families, each with a link.
    expect(page.locator("#famille-equipment + p a")).to_have_attribute(
        "href", "/portail/risques/equipements-et-machines/"
    )
    for family in ("equipment", "environment"):
        expect(page.locator(f"#famille-{family}")).to_contain_text("1 expirée")
    expect(page.locator("#famille-autres")).to_be_visible()


def test_employer_board_on_a_phone(logged_in, live_server, axe, professional):
    base = f"/pro/organisations/{professional.organisation.public_id}/prevention"
    pages = {
        "suivi": f"{base}/suivi/",
        "suivi-famille": f"{base}/suivi/?famille=equipment",
        "declarations": f"{base}/declarations/",
        "espace-pro": "/pro/",
    }
    check_pages(
        lambda width: logged_in(professional, width=width, height=900), live_server, axe, pages
    )
    page = logged_in(professional, width=360, height=900)
    page.goto(live_server.url + f"{base}/suivi/")
    # On a phone, the horizontal chart with labels at their size; the wide one hidden.
    expect(page.locator("svg.pp-chart--phone")).to_be_visible()
    expect(page.locator("svg.pp-chart--wide")).to_be_hidden()
    font = page.evaluate(
        "(() => { const t = document.querySelector('svg.pp-chart--phone text');"
        " return t.getBoundingClientRect().height; })()"
    )
    assert font >= 11, font
    coverage = page.locator("table", has_text="Salariés couverts par famille")
    expect(coverage.locator("tr", has_text="Équipements et machines")).to_contain_text("1")


def test_the_app_is_installable(browser, live_server, holder, tmp_path):
    """Chromium's own installability check, in a normal (not incognito) profile."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if True:
        context = browser.browser_type.launch_persistent_context(
            str(tmp_path / "profil"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 360, "height": 800},
            locale="fr-FR",
        )
        page = context.new_page()
        console = watch(page)
        page.goto(live_server.url + "/")
        page.evaluate("navigator.serviceWorker.ready")
        session = context.new_cdp_session(page)
        manifest = session.send("Page.getAppManifest")
        assert manifest["errors"] == [], manifest["errors"]
        assert manifest["url"].endswith("/manifest.webmanifest")
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        assert page.evaluate("window.__cspViolations") == [] and console == []
        context.close()


def _open_as_app(browser, live_server, user):
    """A logged-in phone page controlled by the service worker."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    url = live_server.url.replace("127.0.0.1", "localhost")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
    page = context.new_page()
    watch(page)
    page.goto(url + "/mon-espace/")
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return context, page, url


def test_passport_and_qr_codes_readable_offline_then_forgotten_at_logout(
    browser, live_server, holder
):
    context, page, url = _open_as_app(browser, live_server, holder)
    # Seen once while controlled by the service worker: kept.
    page.goto(url + "/mon-espace/")
    page.goto(url + "/mon-espace/qr-codes/")
    page.wait_for_function(
        "caches.keys().then(names => names.some(n => n.startsWith('passeport-holder-')))"
    )
    page.wait_for_timeout(500)

    context.set_offline(True)
    page.goto(url + "/mon-espace/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#pp-hors-ligne")).to_contain_text("Vous êtes hors ligne")
    expect(page.get_by_text("Atelier bien-être").first).to_be_visible()
    page.goto(url + "/mon-espace/qr-codes/")
    expect(page.get_by_role("img", name="QR code de vérification").first).to_be_visible()
    # Elsewhere, the offline page.
    page.goto(url + "/portail/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")

    context.set_offline(False)
    page.goto(url + "/mon-espace/")
    # On a phone, the header's tools are in the menu.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_load_state("load")
    page.wait_for_function(
        "caches.keys().then(names => !names.some(n => n.startsWith('passeport-holder-')))"
    )
    context.set_offline(True)
    page.goto(url + "/mon-espace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    assert page.get_by_text("Atelier bien-être").count() == 0
    context.close()


def test_another_holder_on_the_same_device_never_sees_the_first(browser, live_server, holder):
    context, page, url = _open_as_app(browser, live_server, holder)
    page.goto(url + "/mon-espace/")
    page.wait_for_function(
        "caches.keys().then(names => names.some(n => n.startsWith('passeport-holder-')))"
    )
    # Another holder logs in on the same browser (session expired, no logout).
    from django.test import Client

    other = UserFactory(holder=True, first_name="Bruno", last_name="Martin")
    client = Client()
    client.force_login(other)
    context.clear_cookies()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
    page.goto(url + "/mon-espace/")
    page.wait_for_timeout(500)
    context.set_offline(True)
    page.goto(url + "/mon-espace/")
    assert page.get_by_text("Atelier bien-être").count() == 0
    names = page.evaluate("caches.keys()")
    assert len([name for name in names if name.startswith("passeport-holder-")]) == 1
    context.close()
