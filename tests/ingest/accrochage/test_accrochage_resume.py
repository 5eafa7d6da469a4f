"""An accrochage file whose processing stopped mid-run (server restart, killed process)
is taken up again: nothing stored twice, the accusé says CREE for what the interrupted
run created; a run still going is left alone; a run taken over commits nothing more."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from passeport.ingest.accrochage import services
from passeport.ingest.accrochage.models import (
    AccrochagePassage,
    AccrochageSubmission,
    SubmissionStatus,
)
from passeport.journal.verification import verify_journal
from passeport.organisations.models import Membership
from passeport.records.models import Certification
from tests.factories import UserFactory
from tests.ingest.accrochage.builders import HANDWRITTEN

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a killed process looks like from inside: nothing after it runs."""


def _killed_after_first_chunk(monkeypatch, certifier):
    monkeypatch.setattr(services, "CHUNK_SIZE", 1)
    real, calls = services.Run.process, []

    def process(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Killed
        return real(self, *args, **kwargs)

    monkeypatch.setattr(services.Run, "process", process)
    with pytest.raises(Killed):
        services.submit_accrochage(
            io.BytesIO(HANDWRITTEN.read_bytes()), certifier=certifier, file_name="flux.xml"
        )
    monkeypatch.setattr(services.Run, "process", real)
    return AccrochageSubmission.objects.get()


def _silent_for(submission, minutes):
    AccrochageSubmission.objects.filter(pk=submission.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def _ok(submission) -> dict:
    with submission.accuse_json.open("rb") as file:
        return {entry["idTechnique"]: entry for entry in json.loads(file.read())["passagesOK"]}


def test_an_interrupted_file_is_taken_up_again(certifier, fiches, persons, monkeypatch):
    submission = _killed_after_first_chunk(monkeypatch, certifier)
    assert submission.status == SubmissionStatus.PROCESSING
    assert submission.processed_count == 1
    assert Certification.objects.count() == 1

    # Its last chunk is recent: it may still be running elsewhere.
    assert not services.stale_submissions().exists()
    services.process_submission(submission)
    assert AccrochageSubmission.objects.get().status == SubmissionStatus.PROCESSING

    _silent_for(submission, 6)
    out = io.StringIO()
    call_command("resume_accrochage", "--dry-run", stdout=out)
    assert "1 dépôt(s) interrompu(s)" in out.getvalue()
    call_command("resume_accrochage", stdout=(out := io.StringIO()))
    assert "1 dépôt(s) repris" in out.getvalue()

    done = AccrochageSubmission.objects.get()
    assert done.status == SubmissionStatus.PROCESSED and done.worker is None
    assert (done.ok_count, done.ko_count) == (2, 1)
    assert Certification.objects.count() == AccrochagePassage.objects.count() == 2
    # The passage the interrupted run created is said created, not unchanged.
    assert {entry["resultat"] for entry in _ok(done).values()} == {"CREE"}
    assert verify_journal().intact


def test_a_run_taken_over_commits_nothing_more(certifier, fiches, persons, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 1)
    real = services.Run.process

    def process(self, *args, **kwargs):
        outcomes = real(self, *args, **kwargs)
        # Another run claims the file (this one looked dead to it).
        AccrochageSubmission.objects.update(worker=None)
        return outcomes

    monkeypatch.setattr(services.Run, "process", process)
    services.submit_accrochage(
        io.BytesIO(HANDWRITTEN.read_bytes()), certifier=certifier, file_name="flux.xml"
    )
    submission = AccrochageSubmission.objects.get()
    assert submission.status == SubmissionStatus.PROCESSING
    assert submission.processed_count == 1
    assert Certification.objects.count() == 1  # the second chunk was undone
    assert verify_journal().intact


def test_the_status_page_takes_it_up(
    client, certifier, fiches, persons, monkeypatch, django_capture_on_commit_callbacks
):
    submission = _killed_after_first_chunk(monkeypatch, certifier)
    _silent_for(submission, 10)
    user = UserFactory()
    Membership.objects.create(user=user, organisation=certifier, role="member")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("certifier:submission", args=[submission.public_id]))

    assert "il reprend" in page.content.decode()
    done = AccrochageSubmission.objects.get()
    assert (done.status, done.ok_count, done.ko_count) == (SubmissionStatus.PROCESSED, 2, 1)
    assert not services.is_stale(done)


def test_an_internal_error_is_said(certifier, fiches, persons, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 1)
    real, calls = services.Run.process, []

    def process(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("panne")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(services.Run, "process", process)
    with pytest.raises(RuntimeError):
        services.submit_accrochage(
            io.BytesIO(HANDWRITTEN.read_bytes()), certifier=certifier, file_name="flux.xml"
        )
    submission = AccrochageSubmission.objects.get()
    assert submission.status == SubmissionStatus.REJECTED and submission.worker is None
    assert submission.error_message == services.INTERNAL_ERROR
    assert Certification.objects.count() == 1  # the first chunk stays
