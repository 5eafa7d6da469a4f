"""The providers' API: offers (scope catalog:write) and training files (scope
training_files:manage), idempotency keys, webhooks signed with HMAC; the attacker's side
(no token, wrong scope, another organisation's file)."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from passeport.api import services
from passeport.catalog import files
from passeport.catalog.enums import FileState
from passeport.catalog.models import Training, WebhookDelivery
from passeport.catalog.workdays import add_working_days
from tests.factories import PersonFactory, UserFactory

from .helpers import commune, holder_actor, offer, provider

pytestmark = pytest.mark.django_db


def token(organisation, scopes=("catalog:write", "training_files:manage")):
    api_client, secret = services.create_client(
        organisation, name="Logiciel", scopes=list(scopes), created_by=UserFactory()
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _training(start):
    return {
        "provider_ref": "API-1",
        "title": "Soudeur TIG",
        "objectives": "Souder en toutes positions.",
        "rome_codes": ["H2913"],
        "actions": [
            {
                "provider_ref": "A1",
                "price_cents": 350_000,
                "hours": 210,
                "modality": "in_person",
                "commune_code": "69123",
                "sessions": [
                    {
                        "provider_ref": "S1",
                        "start_date": start.isoformat(),
                        "end_date": (start + datetime.timedelta(days=40)).isoformat(),
                    }
                ],
            }
        ],
    }


def test_a_provider_publishes_its_offer_idempotently(client):
    org = provider()
    commune()
    headers = {**token(org), "HTTP_IDEMPOTENCY_KEY": "k-1"}
    body = _training(timezone.localdate() + datetime.timedelta(days=30))
    first = client.put(
        "/api/v1/catalog/trainings", body, content_type="application/json", **headers
    )
    assert first.status_code == 200, first.content
    assert first.json()["sessions"] == 1
    again = client.put(
        "/api/v1/catalog/trainings", body, content_type="application/json", **headers
    )
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    body["title"] = "Autre"
    conflict = client.put(
        "/api/v1/catalog/trainings", body, content_type="application/json", **headers
    )
    assert conflict.status_code == 409
    assert Training.objects.count() == 1


def test_refusals_are_french_and_nothing_half_written(client):
    org = provider(qualiopi_valid_until=timezone.localdate())
    commune()
    body = _training(timezone.localdate() + datetime.timedelta(days=30))
    response = client.put(
        "/api/v1/catalog/trainings", body, content_type="application/json", **token(org)
    )
    assert response.status_code == 422
    assert "Qualiopi" in response.json()["reasons"][0]
    assert not Training.objects.exists()


def test_scopes_and_tokens_are_checked(client):
    org = provider()
    body = _training(timezone.localdate())
    assert (
        client.put("/api/v1/catalog/trainings", body, content_type="application/json").status_code
        == 401
    )
    wrong = token(org, scopes=("training_files:manage",))
    assert (
        client.put(
            "/api/v1/catalog/trainings", body, content_type="application/json", **wrong
        ).status_code
        == 403
    )


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, self.headers["X-Passeport-Signature"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver.received
    server.shutdown()


def test_files_through_the_api_with_signed_webhooks(
    client, receiver, django_capture_on_commit_callbacks
):
    url, received = receiver
    org = provider()
    headers = token(org)
    hook = client.put(
        "/api/v1/catalog/webhook", {"url": url}, content_type="application/json", **headers
    ).json()
    _, _, session = offer(org)
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        file = files.apply(person, session, actor=holder_actor(person), today=timezone.localdate())
    listed = client.get("/api/v1/training-files?state=not_processed", **headers).json()
    assert [row["reference"] for row in listed] == [file.reference]
    start = add_working_days(timezone.localdate(), 11)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/training-files/{file.public_id}/validate",
            {
                "price_cents": 150_000,
                "start_date": start.isoformat(),
                "end_date": (start + datetime.timedelta(days=3)).isoformat(),
                "hours": 21,
            },
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="v-1",
            **headers,
        )
    assert response.status_code == 200 and response.json()["state"] == FileState.VALIDATED
    assert len(received) == 2
    body, signature = received[-1]
    expected = "sha256=" + hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
    assert signature == expected
    assert json.loads(body)["file"]["state"] == "validated"
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == 2
    wrong = client.post(
        f"/api/v1/training-files/{file.public_id}/in-training",
        {"date": start.isoformat()},
        content_type="application/json",
        **headers,
    )
    assert wrong.status_code == 422
    assert "ne peut pas devenir" in wrong.json()["detail"]


def test_another_organisations_file_does_not_exist_for_a_provider(client):
    org = provider()
    _, _, session = offer(org)
    person = PersonFactory()
    file = files.apply(person, session, actor=holder_actor(person), today=timezone.localdate())
    other = token(provider())
    response = client.post(
        f"/api/v1/training-files/{file.public_id}/refuse",
        {"reason": "provider_full"},
        content_type="application/json",
        **other,
    )
    assert response.status_code == 404
    assert client.get("/api/v1/training-files?state=not_processed", **other).json() == []
    file.refresh_from_db()
    assert file.state == FileState.NOT_PROCESSED
