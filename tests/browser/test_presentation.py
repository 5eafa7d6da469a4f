"""A recruiter asks for a presentation in a real browser: the pages are accessible (axe),
on a desktop and on a phone; the QR code is shown, the independent wallet answers, and the
verdict appears in the page without reloading it (htmx polling)."""

import datetime

import pytest
from django.utils import timezone

from passeport.credentials import oid4vci
from passeport.credentials.models import PresentationRequest
from passeport.credentials.oid4vp import identity, requests
from passeport.journal.actors import Actor
from passeport.records.enums import Publication
from passeport.sharing import services as sharing
from tests.credentials import independent
from tests.credentials.conftest import TrainingFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def held(server):
    """A holder's training, received by the independent wallet."""
    independent.require()
    holder = UserFactory(holder=True, first_name="Angela", last_name="Dubois")
    training = TrainingFactory(
        person=holder.person, publication=Publication.PUBLISHED, published_at=timezone.now()
    )
    _, offer, _ = oid4vci.create_offer(training, with_tx_code=False, by_reference=True)
    [answer] = independent.wallet([{"action": "receive", "offer": offer}])
    assert "error" not in answer, answer
    return holder, training, answer


def _wallet_answers(server, link, held):
    [answer] = independent.wallet(
        [
            {
                "action": "present",
                "request": link,
                "credential": held["credential"],
                "holderKey": held["holderKey"],
                "issuer": server,
                "trustedCertificates": [identity.current().certificate_pem()],
            }
        ]
    )
    assert answer["responses"][0]["status"] == 200, answer


@pytest.mark.parametrize("width", [1280, 360])
def test_the_verdict_appears_when_the_wallet_answers(browser, server, held, axe, width):
    _, training, received = held
    context = browser.new_context(viewport={"width": width, "height": 1400}, locale="fr-FR")
    page = context.new_page()
    page.goto(server + "/verifier/portefeuille/")
    axe(page, f"presentation-type-{width}")
    page.get_by_label("Formation", exact=True).check(force=True)
    page.get_by_role("button", name="Choisir les informations demandées").click()
    axe(page, f"presentation-informations-{width}")
    page.get_by_label("Organisme de formation").check(force=True)
    page.get_by_role("button", name="Afficher le QR code").click()
    page.wait_for_selector("img[alt^='QR code de la demande']")
    axe(page, f"presentation-qr-{width}")
    link = page.get_by_role("link", name="Ouvrir dans le portefeuille de cet appareil")
    wallet_link = link.get_attribute("href")
    assert wallet_link.startswith("openid4vp://?client_id=x509_san_dns")

    _wallet_answers(server, wallet_link, received)
    page.wait_for_selector("text=Vérifié : l'attestation présentée est authentique", timeout=15_000)
    assert page.get_by_text(training.provider_name).count() >= 1
    axe(page, f"presentation-verdict-{width}")
    context.close()


def test_a_share_links_recipient_sees_the_verdict(browser, server, held, axe):
    holder, training, received = held
    _, token = sharing.create_link(
        holder.person,
        records=[training],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        recipient="",
        actor=Actor.for_user(holder),
    )
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/partage/{token}/")
    axe(page, "partage-avec-portefeuille")
    page.get_by_role("button", name="Demander à son portefeuille").click()
    page.wait_for_selector("img[alt^='QR code de la demande']")
    request = PresentationRequest.objects.get()
    _wallet_answers(server, requests.authorization_link(request), received)
    page.wait_for_selector("text=Titulaire du passeport partagé", timeout=15_000)
    axe(page, "partage-verdict")
    context.close()
