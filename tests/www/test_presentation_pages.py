"""The recruiter's pages: the public verifier and a share link's recipient ask a wallet
for a presentation (QR code, link), and the verdict appears in the page that asked, and
only there."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from passeport.credentials import services
from passeport.credentials.models import PresentationRequest
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.records.enums import Publication
from passeport.sharing import services as sharing
from tests.credentials.conftest import TrainingFactory
from tests.credentials.python_wallet import answer, fetch, present
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


@pytest.fixture
def holder():
    return UserFactory(holder=True)


@pytest.fixture
def training(holder):
    return TrainingFactory(
        person=holder.person, publication=Publication.PUBLISHED, published_at=timezone.now()
    )


@pytest.fixture
def wallet_key():
    from jwcrypto.jwk import JWK

    return JWK.generate(kty="EC", crv="P-256")


def _credential(record, key):
    return services.issue_sd_jwt(record, actor=ACTOR, holder_jwk=key.export_public(as_dict=True))[1]


def _ask(client, kind="formation", claims=()):
    response = client.post("/verifier/portefeuille/", {"type": kind, "claims": list(claims)})
    assert response.status_code == 302, response.content
    return PresentationRequest.objects.get(public_id=response["Location"].split("/")[-2])


def test_the_verifier_asks_in_two_steps():
    client = Client()
    page = client.get("/verifier/portefeuille/").content.decode()
    assert "Diplôme ou certification" in page and 'name="type"' in page
    page = client.get("/verifier/portefeuille/?type=diplome").content.decode()
    assert "Toujours demandées : Prénoms, Nom de naissance, Intitulé." in page
    assert "Certificateur" in page and "Résultat ou mention" in page
    request = _ask(client, "diplome", ["awarding_body"])
    assert request.claims == ["given_name", "family_name", "achievement_title", "awarding_body"]
    assert client.get("/verifier/portefeuille/?type=inconnu").status_code == 200
    refused = client.post("/verifier/portefeuille/", {"type": "diplome", "claims": ["nir"]})
    assert refused.status_code == 200 and "fr-alert--error" in refused.content.decode()


def test_the_page_shows_a_qr_code_then_the_verdict(training, wallet_key, holder):
    recruiter = Client()
    request = _ask(recruiter, claims=["learning_provider"])
    page = recruiter.get(f"/verifier/portefeuille/{request.public_id}/").content.decode()
    assert 'src="data:image/svg+xml' in page
    assert "openid4vp://?client_id=x509_san_dns%3A127.0.0.1&amp;request_uri=" in page
    assert "x509_san_dns:127.0.0.1" in page
    status_url = f"/verifier/portefeuille/{request.public_id}/etat"
    pending = recruiter.get(status_url).content.decode()
    assert 'hx-trigger="every 2s"' in pending and "En attente du portefeuille" in pending

    # Nobody else sees it.
    assert Client().get(f"/verifier/portefeuille/{request.public_id}/").status_code == 404
    assert Client().get(status_url).status_code == 404

    payload = fetch(request)
    assert "Le portefeuille a lu la demande" in recruiter.get(status_url).content.decode()
    response = answer(payload, present(_credential(training, wallet_key), wallet_key, payload))
    assert response.status_code == 200
    done = recruiter.get(status_url).content.decode()
    assert "hx-trigger" not in done
    assert "Vérifié : l'attestation présentée est authentique" in done
    for text in ("Présenté par son titulaire", "Non révoqué ni suspendu", "Émetteur et source"):
        assert text in done
    assert training.title in done and training.provider_name in done
    assert holder.person.first_names in done

    # After the retention, the verdict is gone from the page (and then from the table).
    PresentationRequest.objects.update(answered_at=timezone.now() - datetime.timedelta(hours=2))
    assert "plus valable" in recruiter.get(status_url).content.decode()


def test_a_refused_presentation_says_why(training, wallet_key):
    recruiter = Client()
    request = _ask(recruiter)
    payload = fetch(request)
    presentation = present(_credential(training, wallet_key), wallet_key, payload, nonce="autre")
    assert answer(payload, presentation).status_code == 400
    done = recruiter.get(f"/verifier/portefeuille/{request.public_id}/etat").content.decode()
    assert "Refusé : l'attestation présentée n'est pas valide" in done
    assert "nonce inattendu" in done


def test_the_verifier_certificate_is_published():
    response = Client().get("/verifier/portefeuille/certificat.pem")
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")


@pytest.fixture
def link(holder, training):
    link, token = sharing.create_link(
        holder.person,
        records=[training],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        recipient="Cabinet Dupont",
        actor=Actor.for_user(holder),
    )
    return link, token


def test_a_share_links_recipient_asks_the_holders_wallet(link, training, wallet_key, holder):
    link, token = link
    recipient = Client()
    page = recipient.get(f"/partage/{token}/").content.decode()
    assert "Demander à son portefeuille" in page
    response = recipient.post(f"/partage/{token}/portefeuille/", {"entree": training.public_id})
    assert response.status_code == 302
    request = PresentationRequest.objects.get()
    assert request.share_link == link and request.requester == "share_link"
    page = recipient.get(response["Location"]).content.decode()
    assert f"Entrée attendue : « {training.title} »" in page
    assert "Retour au passeport partagé" in page

    payload = fetch(request)
    title = next(
        c
        for c in payload["dcql_query"]["credentials"][0]["claims"]
        if c["id"] == "achievement_title"
    )
    assert title["values"] == [training.title]
    response = answer(payload, present(_credential(training, wallet_key), wallet_key, payload))
    assert response.status_code == 200
    done = recipient.get(f"/partage/{token}/portefeuille/{request.public_id}/etat")
    assert "Titulaire du passeport partagé" in done.content.decode()
    assert done["X-Robots-Tag"].startswith("noindex")
    read = JournalEntry.objects.filter(action="person.read").order_by("-seq").first()
    assert read.actor_label == "Destinataire du lien « Cabinet Dupont »"
    assert "présentation depuis un portefeuille" in read.payload["what"]


def test_a_credential_of_someone_else_is_refused_on_a_share_link(link, training, wallet_key):
    link, token = link
    recipient = Client()
    recipient.post(f"/partage/{token}/portefeuille/", {"entree": training.public_id})
    request = PresentationRequest.objects.get()
    payload = fetch(request)
    stranger = TrainingFactory(person=UserFactory(holder=True).person, title=training.title)
    response = answer(payload, present(_credential(stranger, wallet_key), wallet_key, payload))
    assert response.status_code == 400
    request.refresh_from_db()
    same = next(c for c in request.result["checks"] if c["code"] == "same_holder")
    assert not same["ok"]


def test_share_link_requests_need_a_shared_askable_entry_and_a_live_link(link, holder, training):
    link, token = link
    recipient = Client()
    other = TrainingFactory(
        person=holder.person, publication=Publication.PUBLISHED, published_at=timezone.now()
    )
    assert (
        recipient.post(f"/partage/{token}/portefeuille/", {"entree": other.public_id}).status_code
        == 404
    )
    assert recipient.post(f"/partage/{token}/portefeuille/", {}).status_code == 404
    sharing.revoke_link(link, actor=Actor.for_user(holder))
    gone = recipient.post(f"/partage/{token}/portefeuille/", {"entree": training.public_id})
    assert gone.status_code == 410
    assert not PresentationRequest.objects.exists()


def test_without_a_verifier_certificate_the_page_says_so(settings):
    from passeport.credentials.oid4vp import identity

    settings.CREDENTIALS_VERIFIER_GENERATE = False
    settings.CREDENTIALS_VERIFIER_KEY_FILE = settings.CREDENTIALS_VERIFIER_CERT_FILE = ""
    identity.reset_cache()
    try:
        response = Client().get("/verifier/portefeuille/")
        assert response.status_code == 503
        assert "certificat de vérificateur n'est pas installé" in response.content.decode()
    finally:
        identity.reset_cache()
