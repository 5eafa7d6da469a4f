"""A PDF whose rendering died with the server is rendered again when its page is read;
a rendering still going is left alone; an error is said on the page."""

import contextlib
import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.credentials.models import Issuance, IssuanceState
from passeport.credentials.verification import verify_sd_jwt
from passeport.documents import services as documents
from passeport.documents.models import DocumentStatus, GeneratedDocument
from passeport.documents.verification import embedded_files
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a killed process looks like from inside: nothing after it runs."""


def _request(holder, records, monkeypatch, callbacks, fail_with):
    def issued_credentials(*args, **kwargs):
        raise fail_with

    monkeypatch.setattr(documents, "issued_credentials", issued_credentials)
    # A killed process stops everything (BaseException); an error is the task's failure,
    # which the worker records and survives.
    raised = pytest.raises(Killed) if isinstance(fail_with, Killed) else contextlib.nullcontext()
    with raised, callbacks(execute=True):
        documents.request_document(
            holder.person,
            kind="cv",
            records=records,
            title="Mon CV",
            actor=Actor.for_user(holder),
        )
    monkeypatch.undo()
    return GeneratedDocument.objects.get()


def test_a_rendering_killed_by_a_restart_starts_again(
    holder, holder_client, published, monkeypatch, django_capture_on_commit_callbacks
):
    document = _request(
        holder, published, monkeypatch, django_capture_on_commit_callbacks, Killed()
    )
    assert document.status == DocumentStatus.RENDERING and not documents.is_stale(document)
    url = reverse("holder:document", args=[document.public_id])

    with django_capture_on_commit_callbacks(execute=True):
        holder_client.get(url)  # still going (as far as anyone knows): left alone
    assert GeneratedDocument.objects.get().status == DocumentStatus.RENDERING

    GeneratedDocument.objects.update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        page = holder_client.get(url)
    assert "elle reprend" in page.content.decode()
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.READY and document.worker is None
    assert document.file and document.sha256


def test_a_rendering_error_is_said(
    holder, published, monkeypatch, django_capture_on_commit_callbacks
):
    document = _request(
        holder,
        published,
        monkeypatch,
        django_capture_on_commit_callbacks,
        RuntimeError("panne"),
    )
    assert document.status == DocumentStatus.FAILED
    assert document.error_message == documents.RENDER_FAILED and document.worker is None
    assert not documents.is_stale(document)


def test_a_revocation_during_rendering_is_not_undone(
    holder, published, monkeypatch, django_capture_on_commit_callbacks
):
    real = documents.seal_pdf

    def seal_then_revoked(*args, **kwargs):
        sealed = real(*args, **kwargs)
        # The holder revokes the document while it is being rendered.
        documents.revoke_document(GeneratedDocument.objects.get(), actor=Actor.for_user(holder))
        return sealed

    monkeypatch.setattr(documents, "seal_pdf", seal_then_revoked)
    with django_capture_on_commit_callbacks(execute=True):
        documents.request_document(
            holder.person, kind="cv", records=published, title="CV", actor=Actor.for_user(holder)
        )
    document = GeneratedDocument.objects.get()
    assert document.revoked_at is not None
    assert not document.file and not document.is_downloadable
    assert document.sha256  # the verifier answers "révoqué" for this file
    assert _states(document) == [(IssuanceState.REVOKED, documents.REVOKED_WITH_DOCUMENT)]


def test_another_holder_cannot_restart_a_rendering(
    client, holder, published, monkeypatch, django_capture_on_commit_callbacks
):
    document = _request(
        holder, published, monkeypatch, django_capture_on_commit_callbacks, Killed()
    )
    GeneratedDocument.objects.update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=3))
    client.force_login(UserFactory(holder=True))

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("holder:document", args=[document.public_id]))

    assert page.status_code == 404
    assert GeneratedDocument.objects.get().status == DocumentStatus.RENDERING


def _states(document):
    return sorted(
        document.credentials.values_list("state", "state_reason").distinct(),
    )


def test_revoking_a_document_revokes_the_credentials_joined_to_it(
    holder, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        documents.request_document(
            holder.person, kind="cv", records=published, title="CV", actor=Actor.for_user(holder)
        )
    document = GeneratedDocument.objects.get()
    joined = len(document.attachments)
    assert joined and document.credentials.count() == joined
    assert _states(document) == [(IssuanceState.VALID, "")]

    # What someone who received the PDF extracts from it, verified as a recruiter would.
    extracted = [
        content.decode()
        for name, content in embedded_files(document.file.open("rb").read())
        if name.endswith(".sd-jwt")
    ]
    assert extracted and all(verify_sd_jwt(text).ok for text in extracted)

    documents.revoke_document(document, actor=Actor.for_user(holder))

    assert _states(document) == [(IssuanceState.REVOKED, documents.REVOKED_WITH_DOCUMENT)]
    assert JournalEntry.objects.filter(action="credential.revoked").count() == joined
    for text in extracted:
        verdict = verify_sd_jwt(text)
        assert not verdict.ok and "révoqu" in " ".join(c.detail for c in verdict.checks)


def test_the_credentials_of_a_rendering_cut_short_are_revoked_when_it_is_redone(
    holder, holder_client, published, monkeypatch, django_capture_on_commit_callbacks
):
    real = documents.render_pdf

    def killed_after_issuing(*args, **kwargs):
        raise Killed()

    monkeypatch.setattr(documents, "render_pdf", killed_after_issuing)
    with pytest.raises(Killed), django_capture_on_commit_callbacks(execute=True):
        documents.request_document(
            holder.person, kind="cv", records=published, title="CV", actor=Actor.for_user(holder)
        )
    document = GeneratedDocument.objects.get()
    first = set(document.credentials.values_list("pk", flat=True))
    assert first and _states(document) == [(IssuanceState.VALID, "")]

    monkeypatch.setattr(documents, "render_pdf", real)
    GeneratedDocument.objects.update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        holder_client.get(reverse("holder:document", args=[document.public_id]))

    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.READY
    issued = dict(document.credentials.values_list("pk", "state"))
    assert len(issued) == 2 * len(first)
    assert {issued[pk] for pk in first} == {IssuanceState.REVOKED}
    assert {state for pk, state in issued.items() if pk not in first} == {IssuanceState.VALID}
    assert set(Issuance.objects.filter(pk__in=first).values_list("state_reason", flat=True)) == {
        documents.REVOKED_UNUSED
    }


def test_a_run_taken_over_revokes_what_it_issued(
    holder, published, monkeypatch, django_capture_on_commit_callbacks
):
    real = documents.render_pdf

    def taken_over_meanwhile(*args, **kwargs):
        GeneratedDocument.objects.update(worker=uuid.uuid4())  # another run claimed it
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "render_pdf", taken_over_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        documents.request_document(
            holder.person, kind="cv", records=published, title="CV", actor=Actor.for_user(holder)
        )
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.RENDERING and not document.file
    assert _states(document) == [(IssuanceState.REVOKED, documents.REVOKED_UNUSED)]
