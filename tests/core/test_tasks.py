"""The embedded default's in-process tasks: the cron commands, on a schedule, in the
serving process, only when INPROCESS_TASKS is on."""

import datetime
import logging

import pytest
from django.core.management import get_commands

from passeport.core import tasks


@pytest.fixture(autouse=True)
def _stopped():
    yield
    tasks.stop()


def test_off_unless_asked(settings):
    settings.INPROCESS_TASKS = False
    assert tasks.start() is None


def test_every_job_is_a_command_scheduled_soon_after_start_up(settings):
    settings.INPROCESS_TASKS = True
    # A start "tomorrow": nothing comes due while the test looks (a job would need the
    # database).
    now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    scheduler = tasks.start(now=now)
    assert scheduler is not None and scheduler.running
    assert tasks.start() is None  # once per process

    jobs = scheduler.get_jobs()
    assert [job.id for job in jobs] == [name for name, _ in tasks.JOBS]
    assert {job.id for job in jobs} <= set(get_commands())
    first_runs = [job.next_run_time for job in jobs]
    assert first_runs == sorted(first_runs)
    assert first_runs[0] == now + tasks.FIRST_RUN_AFTER
    assert first_runs[-1] - now < datetime.timedelta(minutes=1)
    reminders = scheduler.get_job("send_reminders")
    assert reminders.trigger.interval <= datetime.timedelta(hours=12)  # at least twice a day


def test_a_failing_job_is_logged_not_raised(caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(tasks, "call_command", broken)
    with caplog.at_level(logging.ERROR, logger="passeport.core.tasks"):
        assert tasks.run_job("purge_expired") == ""
    assert "Tâche purge_expired : échec" in caplog.text
