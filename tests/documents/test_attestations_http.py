"""Attestations from the holder's space: the passeport de prévention (chosen trainings,
with validity) and one entry (from its page); same seal and verification."""

import re

import pytest

from passeport.documents.models import DocumentKind, GeneratedDocument
from passeport.documents.verification import verify_pdf
from passeport.records.models import EmploymentPeriod, PreventionTraining

pytestmark = pytest.mark.django_db


def test_prevention_attestation(
    holder_client, holder, published, django_capture_on_commit_callbacks
):
    page = holder_client.get("/mon-espace/attestations/prevention/").content.decode()
    values = re.findall(r'name="trainings" value="(prevention:[0-9a-f-]{36})"', page)
    training = PreventionTraining.objects.get(person=holder.person)
    assert len(values) == 1 and f"{training.valid_until:%d/%m/%Y}" in page
    assert holder_client.post("/mon-espace/attestations/prevention/", {}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = holder_client.post("/mon-espace/attestations/prevention/", {"trainings": values})
    document = GeneratedDocument.objects.get(kind=DocumentKind.PREVENTION)
    assert response.url == f"/mon-espace/documents/{document.public_id}/"
    assert document.entries[0]["public_id"] == str(training.public_id)
    download = holder_client.get(f"/mon-espace/documents/{document.public_id}/telecharger/")
    verdict, found = verify_pdf(b"".join(download.streaming_content))
    assert found == document and verdict.ok


def test_an_entry_attestation_from_its_page(
    holder_client, holder, published, django_capture_on_commit_callbacks
):
    period = EmploymentPeriod.objects.get(person=holder.person)
    page = holder_client.get(f"/mon-espace/entrees/emploi/{period.public_id}/").content.decode()
    action = f"/mon-espace/entrees/emploi/{period.public_id}/attestation-pdf/"
    assert action in page
    with django_capture_on_commit_callbacks(execute=True):
        response = holder_client.post(action)
    document = GeneratedDocument.objects.get(kind=DocumentKind.ENTRY)
    assert response.url == f"/mon-espace/documents/{document.public_id}/"
    assert document.title == "Attestation — Expérience professionnelle"
    assert document.attachments  # the entry's credentials


def test_a_failed_rendering_is_shown_and_the_holder_can_retry(holder_client, holder, published):
    document = GeneratedDocument.objects.create(
        person=holder.person, kind=DocumentKind.CV, title="CV", holder_label="X Y.", entries=[]
    )
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status="failed", error_message="Le document n'a pas pu être fabriqué."
    )
    body = holder_client.get(f"/mon-espace/documents/{document.public_id}/").content.decode()
    assert "Échec" in body and "pas pu être fabriqué" in body
    assert (
        holder_client.get(f"/mon-espace/documents/{document.public_id}/telecharger/").status_code
        == 404
    )
