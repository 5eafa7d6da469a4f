"""Orientation's periodic job: counsellors' grants past their end close (the same command
as the README's cron line). Pages already check the end date on every read."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


# Daily work, run every six hours so that a machine that was off catches up.
@db_periodic_task(crontab(minute="5", hour="*/6"))
def expire_orientation_grants():
    return run_command("expire_orientation_grants")
