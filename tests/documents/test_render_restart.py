"""A PDF whose rendering died with the server is rendered again when its page is read;
a rendering still going is left alone; an error is said on the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.documents import services as documents
from passeport.documents.models import DocumentStatus, GeneratedDocument
from passeport.journal.actors import Actor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a killed process looks like from inside: nothing after it runs."""


def _request(holder, records, monkeypatch, callbacks, fail_with):
    def issued_credentials(*args, **kwargs):
        raise fail_with

    monkeypatch.setattr(documents, "issued_credentials", issued_credentials)
    with pytest.raises(type(fail_with)), callbacks(execute=True):
        documents.request_document(
            holder.person,
            kind="cv",
            records=records,
            title="Mon CV",
            actor=Actor.for_user(holder),
        )
    monkeypatch.undo()
    monkeypatch.setattr(documents, "start_background", documents._render_inline)
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
