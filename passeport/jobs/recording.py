"""Records each task execution in `TaskRun` from Huey's signals, in the process that runs
it (a worker; the test process in immediate mode). A failure to record is logged by Huey
and never stops the task."""

import os
import socket
import traceback

from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone
from huey import signals as S
from huey.contrib.djhuey import HUEY

from passeport.core.logging import mask_nir

from .enums import TaskStatus
from .models import TaskRun

ERROR_MAX_CHARS = 4000
WORKER = f"{socket.gethostname()}:{os.getpid()}"
SKIPPED = (S.SIGNAL_EXPIRED, S.SIGNAL_REVOKED, S.SIGNAL_CANCELED, S.SIGNAL_LOCKED)
_SIMPLE = (int, str, float, bool, type(None))


def task_name(task) -> str:
    return HUEY._registry.task_to_string(type(task))


def _identifier(value):
    return value if isinstance(value, _SIMPLE) else type(value).__name__


def _identifiers(values):
    """The arguments as stored: plain values as they are, anything else as its type name
    (our tasks take primary keys and command names; nothing personal is kept)."""
    if isinstance(values, dict):
        return {str(key): _identifier(value) for key, value in values.items()}
    return [_identifier(value) for value in values]


def _error_text(exc) -> str:
    text = "".join(traceback.format_exception(exc)) if exc is not None else ""
    return mask_nir(text)[-ERROR_MAX_CHARS:]


def _on_executing(signal, task):
    values = {
        "status": TaskStatus.RUNNING,
        "worker": WORKER,
        "started_at": timezone.now(),
        "finished_at": None,
        "error": "",
    }
    # A retry by Huey keeps the task's id: the same row, one more attempt.
    if not TaskRun.objects.filter(task_id=str(task.id)).update(
        attempts=F("attempts") + 1, **values
    ):
        TaskRun.objects.create(
            task_id=str(task.id),
            name=task_name(task),
            args=_identifiers(task.args),
            kwargs=_identifiers(task.kwargs or {}),
            attempts=1,
            **values,
        )


def _finish(task, status, error=""):
    TaskRun.objects.filter(task_id=str(task.id)).update(
        status=status, finished_at=timezone.now(), error=error
    )


def _on_signal(signal, task, exc=None):
    if signal == S.SIGNAL_EXECUTING:
        # A worker thread's first query may find a connection a previous task left
        # broken: as Django does between requests.
        if not HUEY.immediate:
            close_old_connections()
        _on_executing(signal, task)
    elif signal == S.SIGNAL_COMPLETE:
        _finish(task, TaskStatus.DONE)
    elif signal == S.SIGNAL_ERROR:
        # Emitted before Huey decides to retry: retries left means another attempt.
        status = TaskStatus.RETRYING if task.retries else TaskStatus.FAILED
        _finish(task, status, _error_text(exc))
    elif signal == S.SIGNAL_TIMEOUT:
        _finish(task, TaskStatus.FAILED, "Délai d'exécution dépassé.")
    elif signal == S.SIGNAL_INTERRUPTED:
        _finish(task, TaskStatus.INTERRUPTED, "Arrêt du processus pendant la tâche.")
    elif signal in SKIPPED:
        _finish(task, TaskStatus.SKIPPED, signal)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def _pid(worker: str) -> int | None:
    pid = worker.rsplit(":", 1)[-1]
    return int(pid) if pid.isascii() and pid.isdigit() else None


def mark_dead_runs_interrupted() -> int:
    """Runs left "en cours" by a process of this machine that no longer exists (killed,
    machine restarted) are marked interrupted; what they were doing is resumed by the
    periodic resumes, from the claims."""
    running = TaskRun.objects.filter(
        status=TaskStatus.RUNNING, worker__startswith=f"{socket.gethostname()}:"
    ).values_list("pk", "worker")
    dead = [pk for pk, worker in running if (pid := _pid(worker)) and not _process_alive(pid)]
    return TaskRun.objects.filter(pk__in=dead).update(
        status=TaskStatus.INTERRUPTED,
        finished_at=timezone.now(),
        error="Processus arrêté pendant la tâche (redémarrage ou arrêt forcé).",
    )


def _on_startup():
    close_old_connections()
    mark_dead_runs_interrupted()
    close_old_connections()


_connected = False


def connect() -> None:
    global _connected
    if _connected:
        return
    HUEY.signal()(_on_signal)
    HUEY.on_startup("passeport_jobs_startup")(_on_startup)
    _connected = True
