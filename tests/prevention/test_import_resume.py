"""An import stopped mid-run (server restart, killed process) is resumed after the
batches it committed, never declaring a line twice; a run that another has taken over
cannot commit any more; a run still going is left alone."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from passeport.journal.verification import verify_journal
from passeport.prevention import importer
from passeport.prevention.enums import ImportStatus
from passeport.prevention.models import ImportRejection, PreventionImport
from passeport.records.models import PreventionTraining
from tests.factories import OrganisationFactory

from .helpers import adf_values, csv_bytes, member

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What a killed process looks like from inside: nothing after it runs."""


def _received(persons, employer, provider):
    lines = [adf_values(p, employer if i == 0 else None) for i, p in enumerate(persons)]
    lines.append(adf_values(persons[1], ID_UNIQUE_PARTENAIRE="DECL-1-X", NIR="1234567890123"))
    lines.append(dict(lines[1]))  # line 6 repeats line 3: a double declaration in the file
    return importer.receive_import(
        io.BytesIO(csv_bytes(lines)),
        kind="ADF",
        declarant=provider,
        role="provider",
        file_name="sessions.csv",
    )


def _killed_after_first_batch(monkeypatch, imported):
    real, calls = importer._batch, []

    def batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Killed
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_batch", batch)
    with pytest.raises(Killed):
        importer.process_import(imported, batch_size=2)
    monkeypatch.setattr(importer, "_batch", real)
    return PreventionImport.objects.get(pk=imported.pk)


def _silent_for(imported, minutes):
    PreventionImport.objects.filter(pk=imported.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_an_interrupted_import_resumes_after_what_it_committed(
    referentials, provider, employer, persons, monkeypatch
):
    imported = _killed_after_first_batch(monkeypatch, _received(persons, employer, provider))
    assert imported.status == ImportStatus.PROCESSING
    assert (imported.processed_count, imported.accepted_count) == (2, 2)
    assert PreventionTraining.objects.count() == 2

    # Its last batch is recent: it may still be running elsewhere, nothing is taken up.
    assert not importer.stale_imports().exists()
    assert not importer.is_stale(imported)
    importer.process_import(imported, batch_size=2)
    assert PreventionImport.objects.get(pk=imported.pk).processed_count == 2

    _silent_for(imported, 6)
    assert importer.is_stale(PreventionImport.objects.get(pk=imported.pk))
    (resumed,) = importer.resume_stale_imports()

    assert resumed.status == ImportStatus.DONE
    assert (resumed.total_count, resumed.processed_count) == (5, 5)
    assert (resumed.accepted_count, resumed.rejected_count) == (3, 2)
    assert PreventionTraining.objects.count() == 3
    assert sorted(
        ImportRejection.objects.filter(source_import=imported).values_list("line", "column")
    ) == [(5, "NIR"), (6, "ID_UNIQUE_PARTENAIRE")]
    assert resumed.worker is None
    assert verify_journal().intact
    assert not importer.stale_imports().exists()


def test_a_run_taken_over_by_another_cannot_commit(
    referentials, provider, employer, persons, monkeypatch
):
    imported = _received(persons, employer, provider)
    real = importer._batch

    def batch(imported, *args, **kwargs):
        real(imported, *args, **kwargs)
        # Another run claims the import (this one looked dead to it).
        PreventionImport.objects.filter(pk=imported.pk).update(worker=None)

    monkeypatch.setattr(importer, "_batch", batch)
    importer.process_import(imported, batch_size=2)
    monkeypatch.setattr(importer, "_batch", real)

    stored = PreventionImport.objects.get(pk=imported.pk)
    # The first batch is committed; the second, whose counters could not be saved, is
    # undone entirely (records, lines, journal).
    assert stored.status == ImportStatus.PROCESSING
    assert stored.processed_count == 2
    assert PreventionTraining.objects.count() == 2
    assert verify_journal().intact


def test_the_status_page_resumes_an_interrupted_import(
    client,
    referentials,
    provider,
    provider_user,
    employer,
    persons,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    imported = _killed_after_first_batch(monkeypatch, _received(persons, employer, provider))
    _silent_for(imported, 10)
    client.force_login(provider_user)
    url = reverse("pro:prevention_import", args=[imported.public_id])

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url)

    assert "il reprend après les 2 ligne(s) déjà enregistrée(s)" in page.content.decode()
    stored = PreventionImport.objects.get(pk=imported.pk)
    assert (stored.status, stored.processed_count, stored.accepted_count) == ("done", 5, 3)
    assert "3 ligne(s) acceptée(s)" in client.get(url).content.decode()


def test_resume_command(referentials, provider, employer, persons, monkeypatch):
    imported = _killed_after_first_batch(monkeypatch, _received(persons, employer, provider))
    _silent_for(imported, 10)
    out = io.StringIO()
    call_command("resume_prevention_imports", "--dry-run", stdout=out)
    assert "sessions.csv" in out.getvalue() and "1 import(s) interrompu(s)" in out.getvalue()
    assert PreventionImport.objects.get(pk=imported.pk).processed_count == 2

    out = io.StringIO()
    call_command("resume_prevention_imports", stdout=out)
    assert "3 ligne(s) acceptée(s)" in out.getvalue() and "1 import(s) repris" in out.getvalue()
    call_command("resume_prevention_imports", stdout=(out := io.StringIO()))
    assert "0 import(s) repris" in out.getvalue()


def test_the_periodic_task_resumes_an_interrupted_import(
    referentials, provider, employer, persons, monkeypatch
):
    """Without cron, the workers' periodic task runs the same command."""
    from passeport.prevention.tasks import resume_prevention_imports

    imported = _killed_after_first_batch(monkeypatch, _received(persons, employer, provider))
    _silent_for(imported, 10)

    assert "1 import(s) repris" in resume_prevention_imports.call_local()
    resume_prevention_imports()  # through the queue: nothing left to resume
    imported = PreventionImport.objects.get(pk=imported.pk)
    assert imported.status == ImportStatus.DONE and imported.processed_count == 5


def test_an_internal_error_is_said_and_keeps_what_was_accepted(
    referentials, provider, employer, persons, monkeypatch
):
    imported = _received(persons, employer, provider)
    real, calls = importer.Declarer.declare, []

    def declare(self, rows):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("panne")
        return real(self, rows)

    monkeypatch.setattr(importer.Declarer, "declare", declare)
    with pytest.raises(RuntimeError):
        importer.process_import(imported, batch_size=2)

    stored = PreventionImport.objects.get(pk=imported.pk)
    assert stored.status == ImportStatus.REJECTED and stored.worker is None
    assert stored.error_message == importer.INTERNAL_ERROR
    assert (stored.processed_count, stored.accepted_count) == (2, 2)
    assert PreventionTraining.objects.count() == 2
    assert not importer.is_stale(stored)  # said, not resumed again and again


def test_another_organisation_cannot_take_up_an_import(
    client, referentials, provider, employer, persons, monkeypatch
):
    imported = _killed_after_first_batch(monkeypatch, _received(persons, employer, provider))
    _silent_for(imported, 10)
    client.force_login(member(OrganisationFactory(training_provider=True)))

    page = client.get(reverse("pro:prevention_import", args=[imported.public_id]))

    assert page.status_code == 404
    assert PreventionImport.objects.get(pk=imported.pk).processed_count == 2
