"""The queue as the rest of the code and the operators use it: periodic commands, what
waits, retrying a failed task, running a periodic job now."""

import dataclasses
import datetime
import io
import logging
from datetime import UTC

from django.core.management import call_command
from django.db import transaction
from huey.contrib.djhuey import HUEY

from .enums import TaskStatus
from .models import TaskRun
from .recording import task_name

logger = logging.getLogger(__name__)


class RetryRefused(Exception):
    """Said to the operator, in French."""


def run_command(name: str, *args: str) -> str:
    """Runs a management command as cron would, its output to the log; returns the output.
    An error is raised (the task's run is marked failed, the next period tries again)."""
    output = io.StringIO()
    call_command(name, *args, stdout=output, stderr=output)
    logger.info("Tâche %s : %s", name, output.getvalue().strip().replace("\n", " ; "))
    return output.getvalue()


def periodic_jobs() -> list[str]:
    """The registered periodic tasks' names."""
    return sorted(
        task_name(task)
        for task in HUEY._registry.periodic_tasks  # instances, one each
    )


def run_now(name: str) -> str:
    """Enqueues a registered periodic job (or any task taking no argument) now; returns
    the new task's id."""
    try:
        task_class = HUEY._registry.string_to_task(_full_name(name))
    except Exception as error:
        raise RetryRefused(f"Tâche inconnue : {name}.") from error
    task = task_class()
    transaction.on_commit(lambda: HUEY.enqueue(task))
    return str(task.id)


def _full_name(name: str) -> str:
    """`resume_accrochage` or `passeport.ingest.tasks.resume_accrochage`."""
    if "." in name:
        return name
    matches = [full for full in HUEY._registry._registry if full.rsplit(".", 1)[-1] == name]
    return matches[0] if len(matches) == 1 else name


def retry(run: TaskRun) -> str:
    """Enqueues a failed or interrupted task again with the same arguments, once; returns
    the new task's id."""
    if not run.can_retry:
        raise RetryRefused(
            "Seule une tâche en échec ou interrompue, pas encore relancée, peut être relancée."
        )
    try:
        task_class = HUEY._registry.string_to_task(run.name)
    except Exception as error:
        raise RetryRefused(f"Cette tâche n'existe plus dans le code : {run.name}.") from error
    task = task_class(args=tuple(run.args), kwargs=dict(run.kwargs))
    updated = TaskRun.objects.filter(pk=run.pk, retried_as="").update(retried_as=str(task.id))
    if not updated:
        raise RetryRefused("Cette tâche vient d'être relancée.")
    run.retried_as = str(task.id)
    transaction.on_commit(lambda: HUEY.enqueue(task))
    return str(task.id)


@dataclasses.dataclass(frozen=True)
class Waiting:
    task_id: str
    name: str
    args: tuple
    eta: datetime.datetime | None

    @property
    def label(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def waiting(limit: int = 100) -> tuple[list[Waiting], list[Waiting]]:
    """(queued, scheduled): the tasks waiting for a worker, and those due later (retries
    after a delay)."""

    def describe(tasks):
        # Huey keeps naive UTC times.
        return [
            Waiting(str(t.id), task_name(t), tuple(t.args), t.eta and t.eta.replace(tzinfo=UTC))
            for t in tasks
        ]

    return describe(HUEY.pending(limit)), describe(HUEY.scheduled(limit))


def counts() -> dict[str, int]:
    return {
        "queued": HUEY.pending_count(),
        "scheduled": HUEY.scheduled_count(),
        "running": TaskRun.objects.filter(status=TaskStatus.RUNNING).count(),
        "failed": TaskRun.objects.filter(status=TaskStatus.FAILED, retried_as="").count(),
    }


KEEP_RUNS = datetime.timedelta(days=30)


def purge_runs(now: datetime.datetime) -> int:
    """Finished runs older than `KEEP_RUNS` (failures not retried are kept)."""
    deleted, _ = (
        TaskRun.objects.filter(finished_at__lt=now - KEEP_RUNS)
        .exclude(status=TaskStatus.FAILED, retried_as="")
        .delete()
    )
    return deleted
