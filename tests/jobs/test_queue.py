"""The queue as the code and the operators use it, in Huey's immediate mode: every task
is recorded, a failure is kept (with no NIR in it) and can be retried once, periodic jobs
are the README's cron commands, e-mails go through a worker and are never sent twice."""

import io
import subprocess
import sys

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.urls import reverse
from huey import crontab
from huey.contrib.djhuey import HUEY, db_task

from passeport.jobs import recording, services
from passeport.jobs.enums import TaskStatus
from passeport.jobs.models import TaskRun
from passeport.jobs.tasks import deliver_mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CALLS = []


@db_task()
def record_call(pk: int, label: str = "") -> None:
    CALLS.append((pk, label))


@db_task(retries=1)
def always_failing(pk: int) -> None:
    raise RuntimeError(f"lecture impossible pour le NIR 1840575123456 (ligne {pk})")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_a_task_run_is_recorded_with_its_arguments():
    record_call(41, label="ok")
    assert CALLS == [(41, "ok")]
    run = TaskRun.objects.get()
    assert run.name.endswith("test_queue.record_call") and run.label == "record_call"
    assert (run.args, run.kwargs) == ([41], {"label": "ok"})
    assert run.status == TaskStatus.DONE and run.attempts == 1
    assert run.started_at <= run.finished_at and run.worker


def test_a_failure_is_recorded_without_the_nir_and_retried_once_by_an_operator(
    django_capture_on_commit_callbacks,
):
    always_failing(7)
    run = TaskRun.objects.get()
    # Huey retried it once (at once: no delay), in the same row.
    assert (run.status, run.attempts) == (TaskStatus.FAILED, 2)
    assert "lecture impossible" in run.error and "1840575123456" not in run.error
    assert "[NIR masqué]" in run.error

    with django_capture_on_commit_callbacks(execute=True):
        new_id = services.retry(run)
    assert TaskRun.objects.get(task_id=new_id).args == [7]
    with pytest.raises(services.RetryRefused):
        services.retry(TaskRun.objects.get(pk=run.pk))  # once only


def test_a_task_done_cannot_be_retried():
    record_call(1)
    with pytest.raises(services.RetryRefused):
        services.retry(TaskRun.objects.get())


def test_arguments_that_are_not_identifiers_are_not_kept():
    record_call(3, label={"nir": "1840575123456"})
    assert TaskRun.objects.get().kwargs == {"label": "dict"}


def test_every_periodic_job_is_a_cron_command_of_the_readme():
    periodic = {name.rsplit(".", 1)[-1]: name for name in services.periodic_jobs()}
    assert set(periodic) >= {
        "resume_prevention_imports",
        "settle_prevention_reviews",
        "resume_accrochage",
        "resume_renderings",
        "purge_expired",
        "send_reminders",
        "purge_task_runs",
    }
    commands = set(get_commands())
    for task in HUEY._registry.periodic_tasks:
        # Every job runs at least once a day; the resumes every ten minutes.
        schedule = type(task).validate_datetime
        assert schedule is not None
    assert {"resume_prevention_imports", "resume_accrochage", "purge_expired"} <= commands
    assert {"settle_prevention_reviews", "send_reminders"} <= commands


def test_resumes_run_every_ten_minutes_and_daily_jobs_four_times_a_day():
    import datetime

    def runs_in_a_day(name):
        task_class = HUEY._registry.string_to_task(name)
        start = datetime.datetime(2026, 12, 7)
        minutes = (start + datetime.timedelta(minutes=m) for m in range(24 * 60))
        return sum(1 for moment in minutes if task_class().validate_datetime(moment))

    assert runs_in_a_day("passeport.prevention.tasks.resume_prevention_imports") == 144
    assert runs_in_a_day("passeport.ingest.tasks.resume_accrochage") == 144
    assert runs_in_a_day("passeport.prevention.tasks.settle_prevention_reviews") == 4
    assert runs_in_a_day("passeport.followup.tasks.send_reminders") == 4
    assert runs_in_a_day("passeport.identity.tasks.purge_expired") == 24
    assert runs_in_a_day("passeport.cpf.tasks.expire_cec_declarations") == 4
    assert runs_in_a_day("passeport.orientation.tasks.expire_orientation_grants") == 4
    assert runs_in_a_day("passeport.portal.tasks.publish_scheduled") == 288


def test_the_annual_cpf_run_computes_last_year_weekly_in_the_first_half(monkeypatch):
    import datetime

    task = HUEY._registry.string_to_task("passeport.cpf.tasks.compute_cpf_rights")()
    mondays = [datetime.datetime(2027, month, 1) + datetime.timedelta(days=d) for month in
               range(1, 13) for d in range(7)]  # fmt: skip
    due = {
        moment.month
        for moment in mondays
        if task.validate_datetime(moment.replace(hour=2, minute=30))
    }
    assert due == {2, 3, 4, 5, 6}

    ran = []
    monkeypatch.setattr("passeport.cpf.tasks.run_command", lambda *args: ran.append(args))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2027, 3, 1))
    from passeport.cpf.tasks import compute_cpf_rights

    compute_cpf_rights.call_local()
    assert ran == [("compute_cpf_rights", "--year", "2026", "--no-progress")]
    assert crontab  # the schedules are Huey crontabs


def test_a_periodic_job_runs_now_on_request(monkeypatch, django_capture_on_commit_callbacks):
    ran = []
    monkeypatch.setattr(
        "passeport.identity.tasks.run_command", lambda name, *args: ran.append(name) or ""
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tasks", "--run", "purge_expired", stdout=out)
    assert ran == ["purge_expired"] and "mise en file" in out.getvalue()
    with pytest.raises(CommandError, match="inconnue"):
        call_command("tasks", "--run", "nimporte_quoi")


def test_the_command_lists_failures_and_retries_one(django_capture_on_commit_callbacks):
    always_failing(9)
    run = TaskRun.objects.get()
    out = io.StringIO()
    call_command("tasks", stdout=out)
    assert "En échec : always_failing(9,)" in out.getvalue()
    assert "[NIR masqué]" in out.getvalue() and "1840575123456" not in out.getvalue()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("tasks", "--retry", run.task_id, stdout=(out := io.StringIO()))
    assert "relancée" in out.getvalue()
    with pytest.raises(CommandError, match="pas encore relancée"):
        call_command("tasks", "--retry", run.task_id)
    with pytest.raises(CommandError, match="Aucune"):
        call_command("tasks", "--retry", "inconnu")


def _exited_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_left_by_a_dead_process_is_marked_interrupted():
    dead_pid = _exited_pid()
    record_call(5)
    host = recording.WORKER.rsplit(":", 1)[0]
    TaskRun.objects.update(status=TaskStatus.RUNNING, worker=f"{host}:{dead_pid}")
    alive = TaskRun.objects.create(
        task_id="vivant", name="x.y", status=TaskStatus.RUNNING, worker=recording.WORKER
    )
    other_host = TaskRun.objects.create(
        task_id="ailleurs", name="x.y", status=TaskStatus.RUNNING, worker="autre-machine:1"
    )
    assert recording.mark_dead_runs_interrupted() == 1
    assert TaskRun.objects.get(task_id=alive.task_id).status == TaskStatus.RUNNING
    assert TaskRun.objects.get(task_id=other_host.task_id).status == TaskStatus.RUNNING
    assert TaskRun.objects.filter(status=TaskStatus.INTERRUPTED).count() == 1


def test_operators_see_the_queue_and_retry_from_the_admin(client):
    always_failing(11)
    record_call(12)
    admin = UserFactory(is_staff=True, is_superuser=True, kind="operator")
    client.force_login(admin)
    url = reverse("admin:jobs_taskrun_changelist")
    page = client.get(url).content.decode()
    assert "File d'attente" in page and "always_failing" in page and "record_call" in page
    assert "Lancer maintenant une tâche périodique" in page

    failed = TaskRun.objects.get(status=TaskStatus.FAILED)
    response = client.post(
        url, {"action": "retry_selected", "_selected_action": [failed.pk]}, follow=True
    )
    assert "1 tâche(s) relancée(s)" in response.content.decode()
    assert TaskRun.objects.get(pk=failed.pk).retried_as

    response = client.post(reverse("admin:jobs_taskrun_run_now"), {"name": "inconnue"})
    assert response.status_code == 302


def test_the_queue_page_is_for_operators_only(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:jobs_taskrun_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse("admin:jobs_taskrun_run_now"), {"name": "purge_expired"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_mail_leaves_after_commit_through_a_worker(django_capture_on_commit_callbacks):
    from passeport.jobs.mail import send_after_commit

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_after_commit([EmailMessage("Objet", "Corps", to=["a@example.org"])], "essai")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert TaskRun.objects.get().name == "passeport.jobs.tasks.deliver_mail"


class FlakyRelay:
    """Fails on the second message of its first connection, as a relay that drops."""

    failures = 1

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["b@example.org"] and FlakyRelay.failures:
                FlakyRelay.failures -= 1
                raise ConnectionError("relais indisponible")
            mail.outbox.append(message)
        return len(messages)


def test_a_delivery_retried_sends_only_what_was_not_sent(monkeypatch):
    monkeypatch.setattr("passeport.jobs.tasks.get_connection", FlakyRelay)
    messages = [EmailMessage("Objet", "Corps", to=[f"{x}@example.org"]) for x in "abc"]
    deliver_mail(messages, "essai")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    run = TaskRun.objects.get()
    assert run.status == TaskStatus.RETRYING and "relais indisponible" in run.error

    # The retry Huey scheduled (immediate mode keeps it in its schedule): run it now.
    (retry,) = HUEY.scheduled()
    HUEY.execute(retry, timestamp=retry.eta)
    assert [m.to for m in mail.outbox] == [[f"{x}@example.org"] for x in "abc"]
    assert TaskRun.objects.get().status == TaskStatus.DONE
