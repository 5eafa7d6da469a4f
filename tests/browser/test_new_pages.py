"""The pages added for the passeport de prévention and for verifiable documents, in a real
browser: each answers 200 and axe-core finds no violation, on a desktop and on a phone."""

import datetime

import pytest
from django.utils import timezone

from passeport.consent.models import ConsentScope
from passeport.consent.services import set_prevention_consent
from passeport.documents import services as documents
from passeport.documents.models import DocumentKind
from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from passeport.records.models import EmploymentPeriod
from passeport.sharing import services as sharing
from tests.documents.fixtures import publish_all
from tests.factories import (
    EmploymentPeriodFactory,
    OrganisationFactory,
    PreventionTrainingFactory,
    UserFactory,
)
from tests.www.holder.passports import passport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def holder():
    user = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    passport(user.person, years=3)
    publish_all(user)
    return user


@pytest.fixture
def organisation(holder):
    """An employer that also trains, with two consenting employees (one is `holder`)."""
    organisation = OrganisationFactory(training_provider=True, is_employer=True)
    today = timezone.localdate()
    for index, user in enumerate([holder, UserFactory(holder=True)]):
        EmploymentPeriodFactory(
            person=user.person,
            employer=organisation,
            start_date=today - datetime.timedelta(days=400),
            end_date=None,
        )
        PreventionTrainingFactory(
            person=user.person,
            start_date=today - datetime.timedelta(days=701),
            end_date=today - datetime.timedelta(days=700),
            valid_from=today - datetime.timedelta(days=700),
            valid_until=today + datetime.timedelta(days=20 + 200 * index),
        )
        set_prevention_consent(
            user.person, organisation, scope=ConsentScope.ALL, actor=Actor.for_user(user)
        )
    return organisation


@pytest.fixture
def professional(organisation):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    return user


def check(page, live_server, axe, pages, *, prefix=""):
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        axe(page, prefix + name)


def holder_pages(holder) -> dict:
    person = holder.person
    records = publish_all(holder)
    actor = Actor.for_user(holder)
    cv = documents.save_cv(person, title="Soudeur", summary="Dix ans d'atelier.", records=records)
    link, _token = sharing.create_link(
        person,
        records=records[:2],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        recipient="Recruteur",
        actor=actor,
    )
    period = EmploymentPeriod.objects.filter(person=person).current().first()
    return {
        "cv": "/mon-espace/cv/",
        "cv-nouveau": "/mon-espace/cv/nouveau/",
        "cv-detail": f"/mon-espace/cv/{cv.public_id}/",
        "cv-apercu": f"/mon-espace/cv/{cv.public_id}/apercu/",
        "partages": "/mon-espace/partages/",
        "partage-nouveau": "/mon-espace/partages/nouveau/",
        "partage-detail": f"/mon-espace/partages/{link.public_id}/",
        "portefeuille": f"/mon-espace/entrees/emploi/{period.public_id}/portefeuille/",
        "attestation-prevention": "/mon-espace/attestations/prevention/",
        "rappels": "/mon-espace/rappels/",
        "prevention": "/mon-espace/prevention/",
    }


def test_holder_document_pages_are_accessible(logged_in, live_server, holder, axe):
    pages = holder_pages(holder)
    check(logged_in(holder), live_server, axe, pages)
    check(logged_in(holder, width=390, height=844), live_server, axe, pages, prefix="tel-")


def test_professional_prevention_pages_are_accessible(
    logged_in, live_server, organisation, professional, holder, axe
):
    base = f"/pro/organisations/{organisation.public_id}/prevention"
    pages = {
        "declarations": f"{base}/declarations/",
        "formulaire": f"{base}/declarations/formulaire/",
        "importer": f"{base}/declarations/importer/",
        "liste": f"{base}/declarations/liste/",
        "a-verifier": f"{base}/a-verifier/",
        "reprise": f"{base}/reprise/",
        "suivi": f"{base}/suivi/",
        "suivi-salarie": f"{base}/suivi/salaries/{holder.person.public_id}/",
        "suivi-liste": f"{base}/suivi/liste/",
        "suivi-postes": f"{base}/suivi/postes/",
    }
    check(logged_in(professional), live_server, axe, pages)
    check(logged_in(professional, width=390, height=844), live_server, axe, pages, prefix="tel-")


def test_public_pages_are_accessible(browser, live_server, axe, holder):
    records = publish_all(holder)
    _link, token = sharing.create_link(
        holder.person,
        records=records[:2],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        recipient="",
        actor=Actor.for_user(holder),
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    pages = {
        "verifier": "/verifier/",
        "eligibilite": "/prevention/eligibilite/",
        "partage": f"/partage/{token}/",
    }
    check(page, live_server, axe, pages)
    context.close()


def test_share_link_copy_button(logged_in, live_server, holder):
    path = holder_pages(holder)["partage-detail"]
    page = logged_in(holder)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + path)
    button = page.get_by_role("button", name="Copier le lien")
    button.click()
    page.get_by_text("Lien copié dans le presse-papiers.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#lien-a-copier").input_value()
    assert "/partage/" in copied or copied.startswith("http")


@pytest.mark.parametrize("width", [360, 1280])
def test_verification_details_fit_the_page(browser, live_server, axe, holder, width):
    """The verdict's details (a 95-character certificate fingerprint) wrap in their column:
    no horizontal scrolling of the page on a phone, nor of the table on a desktop."""
    import concurrent.futures

    from django.db import connection

    records = publish_all(holder)

    def seal():
        # Out of Playwright's event loop (pyHanko runs its own), on its own connection.
        try:
            return documents.request_document(
                holder.person,
                kind=DocumentKind.CV,
                records=records[:3],
                title="Mon CV",
                actor=Actor.for_user(holder),
            )
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        document = pool.submit(seal).result()
    document.refresh_from_db()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/verifier/{document.public_id}")
    page.get_by_text("Vérifications, une par une").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    overflowing = page.evaluate(
        "[...document.querySelectorAll('#resultat .fr-table')]"
        ".filter((w) => w.querySelector('table').scrollWidth > w.clientWidth + 1).length"
    )
    assert overflowing == 0
    axe(page, f"verifier-document-{width}")
    context.close()
