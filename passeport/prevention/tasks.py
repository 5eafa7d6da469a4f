"""Prevention's background work: processing an imported file, and the periodic jobs
(the same commands as the README's cron lines)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passeport.jobs.services import run_command


# No automatic retry: a run that fails says so on the import's page, and a run cut short
# (worker killed, database gone) is resumed from its last batch by `resume_prevention_imports`.
@db_task()
def process_import(pk: int) -> None:
    from .importer import process_import_pk  # the importer enqueues this task

    process_import_pk(pk)


@db_periodic_task(crontab(minute="*/10"))
def resume_prevention_imports():
    return run_command("resume_prevention_imports")


# Daily work, run every six hours so that a machine that was off catches up; each run
# does a day's work once.
@db_periodic_task(crontab(minute="20", hour="*/6"))
def settle_prevention_reviews():
    return run_command("settle_prevention_reviews")
