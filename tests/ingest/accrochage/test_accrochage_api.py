"""Accrochage by API (/api/v1/accrochage), mostly from the attacker's side."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from passeport.api import services
from passeport.api.models import ApiToken
from passeport.ingest.accrochage.models import AccrochageSubmission, SubmissionStatus
from passeport.ingest.accrochage.services import process_submission
from passeport.records.models import Certification
from passeport.referentials.models import Fiche
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.ingest.accrochage.builders import flux, holder, passage

pytestmark = pytest.mark.django_db
URL = "/api/v1/accrochage"


@pytest.fixture
def certifier():
    return OrganisationFactory(
        certifier=True, certifier_id_client="CERTA001", certifier_id_contrat="MCFCER000123"
    )


@pytest.fixture
def holders():
    Fiche.objects.create(
        code="RNCP34829", kind="RNCP", title="Technicien", active=True, search_text=""
    )
    return PersonFactory(
        birth_name="Le Bihan-Lefèvre",
        first_names="Anaïs Marie",
        sex="F",
        birth_year=1988,
        birth_month=4,
        birth_day=12,
        birth_commune_code="69383",
    )


def _token(organisation, scopes=("certifications:declare",)):
    api_client, secret = services.create_client(
        organisation, name="Logiciel", scopes=list(scopes), created_by=UserFactory()
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    return {"Authorization": f"Bearer {raw}"}


def _file(data=None, name="flux.xml"):
    data = data or flux(
        ("RNCP", "RNCP34829", [passage("P-1"), passage("P-2", identification=holder(day=13))])
    )
    return SimpleUploadedFile(name, data, content_type="application/xml")


def _post(client, auth, data=None):
    return client.post(URL, {"file": _file(data)}, headers=auth)


def test_submit_follow_and_read_the_accuse(client, certifier, holders):
    auth = _token(certifier)
    response = _post(client, auth)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "processed" and not body["already_received"]
    assert (body["passages_count"], body["ok_count"], body["ko_count"]) == (2, 1, 1)
    submission = AccrochageSubmission.objects.get()
    assert body["id"] == str(submission.public_id) and submission.certifier == certifier
    assert body["links"]["self"] == f"{URL}/{submission.public_id}"
    status = client.get(body["links"]["self"], headers=auth)
    assert status.status_code == 200 and status.json()["ok_count"] == 1
    xml = client.get(body["links"]["accuse_xml"], headers=auth)
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert b"P-1" in b"".join(xml.streaming_content)
    accuse = client.get(body["links"]["accuse_json"], headers=auth)
    assert accuse.status_code == 200
    content = json.loads(b"".join(accuse.streaming_content))
    assert content["passagesKO"][0]["idTechnique"] == "P-2"


def test_same_file_twice_changes_nothing(client, certifier, holders):
    auth = _token(certifier)
    first = _post(client, auth).json()
    again = _post(client, auth)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["already_received"]
    assert AccrochageSubmission.objects.count() == 1 and Certification.objects.count() == 1
    # Same passages in another file: processed, and reported unchanged.
    other = flux(
        ("RNCP", "RNCP34829", [passage("P-1"), passage("P-2", identification=holder(day=13))]),
        id_flux="FLUX-TEST-2",
    )
    third = _post(client, auth, other)
    assert third.status_code == 202 and third.json()["ok_count"] == 1
    assert Certification.objects.count() == 1
    accuse = client.get(third.json()["links"]["accuse_json"], headers=auth)
    outcome = json.loads(b"".join(accuse.streaming_content))["passagesOK"][0]
    assert "INCHANGE" in json.dumps(outcome)


def test_accuse_is_409_while_processing(client, certifier, holders, settings):
    settings.ACCROCHAGE_SYNC_MAX_BYTES = 0  # processed in the background, after commit
    auth = _token(certifier)
    body = _post(client, auth).json()
    assert body["status"] == SubmissionStatus.RECEIVED
    for link in ("accuse_xml", "accuse_json"):
        response = client.get(body["links"][link], headers=auth)
        assert response.status_code == 409 and "en cours" in response.json()["detail"]
    # A re-send while the first is pending does not start a second processing.
    assert _post(client, auth).json()["id"] == body["id"]
    process_submission(AccrochageSubmission.objects.get())
    assert client.get(body["links"]["accuse_xml"], headers=auth).status_code == 200
    assert client.get(body["links"]["self"], headers=auth).json()["status"] == "processed"


def test_no_token_unknown_or_expired_token_is_401(client, certifier, holders):
    refused = _post(client, {})
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("Authentification requise : jeton absent")
    assert refused["WWW-Authenticate"] == 'Bearer realm="passeport"'
    assert _post(client, {"Authorization": "Bearer inconnu"}).status_code == 401
    auth = _token(certifier)
    body = _post(client, auth).json()
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _post(client, auth).status_code == 401
    for link in body["links"].values():
        assert client.get(link, headers=auth).status_code == 401
        assert client.get(link).status_code == 401
    assert AccrochageSubmission.objects.count() == 1


def test_wrong_scope_is_403(client, certifier, holders):
    auth = _token(certifier, scopes=["prevention:declare", "employees:read"])
    response = _post(client, auth)
    assert response.status_code == 403
    assert "certifications:declare" in response.json()["detail"]
    assert not AccrochageSubmission.objects.exists()


def test_an_employers_client_is_refused_in_french(client, holders):
    employer = OrganisationFactory()
    auth = _token(employer)  # even with the scope
    response = _post(client, auth)
    assert response.status_code == 403
    assert "n'est pas un certificateur" in response.json()["detail"]
    assert not AccrochageSubmission.objects.exists()


def test_another_certifiers_submission_is_404(client, certifier, holders):
    body = _post(client, _token(certifier)).json()
    other = OrganisationFactory(certifier=True)
    auth = _token(other)
    for link in body["links"].values():
        response = client.get(link, headers=auth)
        assert response.status_code == 404 and "Aucun dépôt" in response.json()["detail"]
    # Sending the same file does not reveal nor reuse the other certifier's submission.
    again = _post(client, auth)
    assert again.status_code == 202 and again.json()["id"] != body["id"]
    assert again.json()["ko_count"] == 2  # the file's idClient is not theirs
    assert client.get(f"{URL}/not-a-uuid", headers=auth).status_code == 404


def test_openapi_is_documented_in_french(client):
    schema = client.get("/api/openapi.json").json()
    post = schema["paths"][URL]["post"]
    assert post["summary"] == "Déposer un fichier d'accrochage"
    assert "idempotent" in post["description"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    accuse = schema["paths"][URL + "/{submission_id}/accuse.xml"]["get"]
    assert "409" in accuse["responses"] and "application/xml" in str(accuse["responses"])


def test_reading_the_status_takes_up_an_interrupted_file_for_its_certifier_only(
    client, certifier, holders, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ACCROCHAGE_SYNC_MAX_BYTES = 0  # background: nothing runs in this test's request
    auth = _token(certifier)
    body = _post(client, auth).json()
    # The server stopped before processing it, ten minutes ago.
    AccrochageSubmission.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=10))

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.get(
            body["links"]["self"], headers=_token(OrganisationFactory(certifier=True))
        )
    assert refused.status_code == 404
    assert AccrochageSubmission.objects.get().status == SubmissionStatus.RECEIVED

    with django_capture_on_commit_callbacks(execute=True):
        client.get(body["links"]["self"], headers=auth)
    assert client.get(body["links"]["self"], headers=auth).json()["status"] == "processed"
