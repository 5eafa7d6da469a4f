"""Ingest's background work: processing a large accrochage file, and the periodic resume
(the same command as the README's cron line)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passeport.jobs.services import run_command


# No automatic retry: a failure says so in the accusé, and a run cut short (worker
# killed, database gone) is taken up again by `resume_accrochage`.
@db_task()
def process_accrochage(pk: int) -> None:
    from .accrochage.services import process_submission_pk  # it enqueues this task

    process_submission_pk(pk)


@db_periodic_task(crontab(minute="*/10"))
def resume_accrochage():
    return run_command("resume_accrochage")
