"""The public verifier page and API: every kind of item in, a French verdict out, check by
check; bad input refused with a clear message; uploads capped; rate-limited."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from passeport.credentials import revocation
from passeport.credentials import services as credentials
from passeport.documents import services as documents
from passeport.documents.models import DocumentKind
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.records.models import Certification
from tests.documents.fixtures import *  # noqa: F403 (fixtures: holder, published…)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits(rate_limit_window):
    """Every test here posts to the rate-limited verifier."""


@pytest.fixture
def certification(published):
    return next(r for r in published if isinstance(r, Certification))


@pytest.fixture
def sealed(holder, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.request_document(
            holder.person,
            kind=DocumentKind.CV,
            records=published[:3],
            title="Mon CV",
            actor=Actor.for_user(holder),
        )
    document.refresh_from_db()
    return document, document.file.open("rb").read()


def test_the_page_offers_every_kind_of_item(client):
    body = client.get("/verifier/").content.decode()
    for label in ("PDF scellé", "SD-JWT VC", "Open Badges 3.0", "lien de partage"):
        assert label in body
    assert 'enctype="multipart/form-data"' in body


def test_nothing_or_two_items_are_refused_in_french(client):
    response = client.post("/verifier/", {})
    assert response.status_code == 400 and "Déposez un PDF" in response.content.decode()
    response = client.post("/verifier/", {"sd_jwt": "a~b", "share_link": "http://x/partage/y/"})
    assert response.status_code == 400 and "un seul élément" in response.content.decode()
    response = client.post("/verifier/", {"pdf": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert response.status_code == 400 and "pas un PDF" in response.content.decode()
    response = client.post("/verifier/", {"open_badge": "{oops"})
    assert response.status_code == 400 and "ligne 1" in response.content.decode()


def test_a_sealed_pdf_is_verified_and_a_tampered_one_refused(client, sealed, holder):
    document, pdf = sealed
    body = client.post("/verifier/", {"pdf": SimpleUploadedFile("cv.pdf", pdf)}).content.decode()
    assert "Vérifié" in body and "Échec" not in body
    assert "Émis par Passeport" in body and document.holder_label in body
    assert holder.person.reveal_nir() not in body and holder.person.birth_name not in body
    tampered = bytearray(pdf)
    tampered[len(tampered) // 2] ^= 0x01
    body = client.post(
        "/verifier/", {"pdf": SimpleUploadedFile("cv.pdf", bytes(tampered))}
    ).content.decode()
    assert "Refusé" in body and "modifié" in body


def test_the_qr_code_page_is_journaled_on_the_holder(client, sealed, holder):
    document, _ = sealed
    before = JournalEntry.objects.filter(person_id=holder.person.pk, action="person.read").count()
    response = client.get(f"/verifier/{document.public_id}")
    assert response.status_code == 200
    assert "Échec" not in response.content.decode()
    after = JournalEntry.objects.filter(person_id=holder.person.pk, action="person.read")
    assert after.count() == before + 1
    assert "vérification publique" in after.order_by("-seq").first().payload["what"]
    assert client.get("/verifier/00000000-0000-4000-8000-000000000000").status_code == 404


def test_credentials_are_verified_and_tampering_is_refused(client, certification, holder):
    _, sd_jwt = credentials.issue_sd_jwt(certification, actor=Actor.for_user(holder))
    body = client.post("/verifier/", {"sd_jwt": sd_jwt}).content.decode()
    assert "Vérifié" in body and "Informations dévoilées" in body
    header, payload, signature = sd_jwt.split("~")[0].split(".")
    forged = ".".join(
        [header, payload, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")]
    )
    body = client.post(
        "/verifier/", {"sd_jwt": "~".join([forged, *sd_jwt.split("~")[1:]])}
    ).content.decode()
    assert "Refusé" in body
    _, badge = credentials.issue_open_badge(certification, actor=Actor.for_user(holder))
    upload = SimpleUploadedFile("badge.json", json.dumps(badge).encode())
    body = client.post("/verifier/", {"open_badge_file": upload}).content.decode()
    assert "Vérifié" in body
    badge["credentialSubject"]["achievement"]["name"] = "Doctorat"
    body = client.post("/verifier/", {"open_badge": json.dumps(badge)}).content.decode()
    assert "Refusé" in body


@override_settings(VERIFY_MAX_UPLOAD_BYTES=1000)
def test_uploads_are_capped(client, sealed):
    _, pdf = sealed
    response = client.post("/verifier/", {"pdf": SimpleUploadedFile("cv.pdf", pdf)})
    assert response.status_code == 400 and "trop volumineux" in response.content.decode()
    response = client.post("/api/v1/verify/pdf", {"file": SimpleUploadedFile("cv.pdf", pdf)})
    assert response.status_code == 413


@override_settings(VERIFY_RATE_LIMIT="2/m")
def test_the_verifier_is_rate_limited(client):
    for _ in range(2):
        assert client.post("/verifier/", {"share_link": "x"}).status_code == 200
    response = client.post("/verifier/", {"share_link": "x"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Trop de vérifications" in response.content.decode()
    response = client.post("/api/v1/verify", {"share_link": "x"}, content_type="application/json")
    assert response.status_code == 429


def test_the_api_answers_the_same_verdicts(client, sealed, certification, holder):
    _, pdf = sealed
    response = client.post("/api/v1/verify/pdf", {"file": SimpleUploadedFile("cv.pdf", pdf)})
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True and data["kind"] == "pdf"
    assert {c["code"] for c in data["checks"]} >= {"issuer", "integrity", "status", "expiry"}
    _, sd_jwt = credentials.issue_sd_jwt(certification, actor=Actor.for_user(holder))
    data = client.post("/api/v1/verify", {"sd_jwt": sd_jwt}, content_type="application/json").json()
    assert data["valid"] is True and data["disclosed"]
    _, badge = credentials.issue_open_badge(certification, actor=Actor.for_user(holder))
    data = client.post(
        "/api/v1/verify", {"open_badge": badge}, content_type="application/json"
    ).json()
    assert data["valid"] is True
    revocation.revoke_for_record(certification)
    data = client.post(
        "/api/v1/verify", {"open_badge": badge}, content_type="application/json"
    ).json()
    assert data["valid"] is False
    assert any(c["code"] == "status" and not c["ok"] for c in data["checks"])
    response = client.post("/api/v1/verify", {}, content_type="application/json")
    assert response.status_code == 400 and "un seul des champs" in response.json()["detail"]
    # One item, well given, that is not what it claims: a verdict, refused with the reason.
    response = client.post(
        "/api/v1/verify/pdf", {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n")}
    )
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert response.json()["checks"][0]["detail"] == "Ce fichier n'est pas un PDF."
    response = client.post("/api/v1/verify", {"open_badge": "{"}, content_type="application/json")
    assert response.status_code == 200 and "JSON valide" in response.json()["checks"][0]["detail"]
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/verify" in schema["paths"] and "/api/v1/verify/pdf" in schema["paths"]
