"""OpenID4VP 1.0 on our side: the signed request object, the DCQL query, the answer
verified once, what is kept and what is journaled. The wallet here is the `sd-jwt`
reference holder; test_independent_wallet.py runs one we did not write."""

import datetime
import json
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from passeport.credentials import revocation, services
from passeport.credentials.models import PresentationRequest
from passeport.credentials.oid4vp import requests
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry

from .python_wallet import CLIENT_ID, answer, fetch, present

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


@pytest.fixture
def bound(training, wallet_key):
    issuance, credential = services.issue_sd_jwt(
        training, actor=ACTOR, holder_jwk=wallet_key.export_public(as_dict=True)
    )
    return issuance, credential


def test_request_object(training):
    request = requests.create("formation", ["learning_provider"])
    payload = fetch(request)
    assert payload["client_id"] == CLIENT_ID
    assert payload["response_type"] == "vp_token"
    assert payload["response_mode"] == "direct_post"
    assert payload["response_uri"].startswith("http://127.0.0.1:8000/credentials/oid4vp/reponses/")
    assert payload["nonce"] == request.nonce and payload["state"] == request.oauth_state
    query = payload["dcql_query"]["credentials"][0]
    assert query["format"] == "dc+sd-jwt"
    assert query["meta"] == {"vct_values": ["http://127.0.0.1:8000/credentials/vct/formation"]}
    assert [c["path"] for c in query["claims"]] == [
        ["given_name"],
        ["family_name"],
        ["achievement_title"],
        ["learning_provider"],
    ]
    assert query["claim_sets"][-1] == ["given_name", "family_name", "achievement_title"]
    assert payload["client_metadata"]["vp_formats_supported"]["dc+sd-jwt"]
    assert payload["exp"] - payload["iat"] <= 600
    assert PresentationRequest.objects.get().fetched_at is not None


def test_unknown_claim_or_kind_refused():
    with pytest.raises(requests.PresentationRequestError):
        requests.create("formation", ["nir"])
    with pytest.raises(requests.PresentationRequestError):
        requests.create("engagement")


def test_good_presentation(bound, wallet_key, training, holder):
    _, credential = bound
    request = requests.create("formation", ["learning_provider", "duration_hours"])
    payload = fetch(request)
    response = answer(payload, present(credential, wallet_key, payload))
    assert response.status_code == 200, response.content
    assert response.json() == {}
    request.refresh_from_db()
    assert request.status == "verified"
    result = request.result
    assert result["valid"]
    codes = {check["code"]: check["ok"] for check in result["checks"]}
    assert codes == {
        "format": True,
        "issuer": True,
        "integrity": True,
        "disclosures": True,
        "status": True,
        "expiry": True,
        "holder_binding": True,
        "requested_type": True,
        "requested_claims": True,
        "source": True,
    }
    assert dict(result["claims"]) == {
        "Prénoms": holder.person.first_names,
        "Nom de naissance": holder.person.birth_name,
        "Intitulé": training.title,
        "Organisme de formation": training.provider_name,
        "Durée (heures)": str(training.hours),
    }
    source = next(c for c in result["checks"] if c["code"] == "source")
    assert (
        "Passeport de compétences" in source["detail"]
        and "mon compte formation" in (source["detail"])
    )
    # The holder's access log shows it; no NIR anywhere.
    entry = JournalEntry.objects.filter(action="person.read").get()
    assert entry.person_id == holder.person.pk
    assert "présentation depuis un portefeuille (Formation)" in entry.payload["what"]
    assert entry.actor_label == "Vérificateur public"
    nir = holder.person.reveal_nir()
    assert nir[:13] not in json.dumps(result) + entry.payload["what"]


def test_only_asked_claims_are_kept(bound, wallet_key):
    _, credential = bound
    request = requests.create("formation")
    payload = fetch(request)
    everything = dict.fromkeys(
        ("given_name", "family_name", "achievement_title", "learning_provider"), True
    )
    response = answer(payload, present(credential, wallet_key, payload, everything))
    assert response.status_code == 200
    request.refresh_from_db()
    assert [label for label, _ in request.result["claims"]] == [
        "Prénoms",
        "Nom de naissance",
        "Intitulé",
    ]
    assert request.result["not_kept"] == 1
    assert "Formapro" not in json.dumps(request.result)


@pytest.mark.parametrize("problem", ["nonce", "audience", "missing-claim", "other-type"])
def test_refused_presentations(bound, wallet_key, certification, problem):
    _, credential = bound
    request = requests.create("diplome" if problem == "other-type" else "formation")
    payload = fetch(request)
    if problem == "nonce":
        presentation = present(credential, wallet_key, payload, nonce="un-autre-nonce")
    elif problem == "audience":
        presentation = present(credential, wallet_key, payload, aud="x509_san_dns:ailleurs.fr")
    elif problem == "missing-claim":
        presentation = present(credential, wallet_key, payload, {"given_name": True})
    else:
        presentation = present(
            credential, wallet_key, payload, {"given_name": True, "family_name": True}
        )
    response = answer(payload, presentation)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    request.refresh_from_db()
    assert request.status == "refused" and not request.result["valid"]
    failed = {c["code"] for c in request.result["checks"] if not c["ok"]}
    expected = {
        "nonce": {"holder_binding"},
        "audience": {"holder_binding"},
        "missing-claim": {"requested_claims"},
        "other-type": {"requested_type", "requested_claims"},
    }[problem]
    assert failed == expected


def test_revoked_credential(bound, wallet_key):
    issuance, credential = bound
    revocation.revoke(issuance, actor=ACTOR, reason="test")
    request = requests.create("formation")
    payload = fetch(request)
    assert answer(payload, present(credential, wallet_key, payload)).status_code == 400
    request.refresh_from_db()
    status = next(c for c in request.result["checks"] if c["code"] == "status")
    assert not status["ok"] and "Révoqué" in status["detail"]


def test_replayed_response_and_single_use(bound, wallet_key):
    _, credential = bound
    first = requests.create("formation")
    payload = fetch(first)
    presentation = present(credential, wallet_key, payload)
    assert answer(payload, presentation).status_code == 200
    again = answer(payload, presentation)
    assert again.status_code == 400 and "déjà été reçue" in again.json()["error_description"]
    # The request object is no longer served.
    assert Client().get(urlsplit(requests.request_uri(first)).path).status_code == 404
    # Replayed to another request: its nonce differs, refused.
    second = requests.create("formation")
    other = fetch(second)
    response = Client().post(
        urlsplit(other["response_uri"]).path,
        {"vp_token": json.dumps({"passeport": [presentation]}), "state": other["state"]},
    )
    assert response.status_code == 400
    second.refresh_from_db()
    assert second.status == "refused"


def test_wrong_state_does_not_consume(bound, wallet_key):
    _, credential = bound
    request = requests.create("formation")
    payload = fetch(request)
    presentation = present(credential, wallet_key, payload)
    assert answer(payload, presentation, state="autre").status_code == 400
    request.refresh_from_db()
    assert request.status == "pending"
    assert answer(payload, presentation).status_code == 200


def test_expired_request(bound, wallet_key):
    _, credential = bound
    request = requests.create("formation")
    payload = fetch(request)
    PresentationRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = answer(payload, present(credential, wallet_key, payload))
    assert response.status_code == 400 and "expiré" in response.json()["error_description"]
    assert Client().get(urlsplit(requests.request_uri(request)).path).status_code == 404


def test_declined_by_the_holder():
    request = requests.create("formation")
    payload = fetch(request)
    response = Client().post(
        urlsplit(payload["response_uri"]).path,
        {"error": "access_denied", "state": payload["state"]},
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "declined"


def test_unreadable_answer():
    request = requests.create("formation")
    payload = fetch(request)
    response = Client().post(
        urlsplit(payload["response_uri"]).path, {"vp_token": "{", "state": payload["state"]}
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    request.refresh_from_db()
    assert request.status == "pending"


def test_purge(bound, wallet_key, settings):
    _, credential = bound
    answered = requests.create("formation")
    payload = fetch(answered)
    answer(payload, present(credential, wallet_key, payload))
    pending = requests.create("formation")
    expired = requests.create("formation")
    PresentationRequest.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("purge_presentation_requests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(PresentationRequest.objects.values_list("pk", flat=True)) == {
        answered.pk,
        pending.pk,
    }
    PresentationRequest.objects.filter(pk=answered.pk).update(
        answered_at=timezone.now()
        - datetime.timedelta(seconds=settings.CREDENTIALS_PRESENTATION_RETENTION + 1)
    )
    assert requests.purge() == 1
    assert requests.purge() == 0
    assert list(PresentationRequest.objects.values_list("pk", flat=True)) == [pending.pk]
