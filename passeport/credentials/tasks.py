"""Credentials' periodic job: the purge of expired presentation requests, offers and
nonces (the same command as the README's cron line)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


@db_periodic_task(crontab(minute="*/10"))
def purge_presentation_requests():
    return run_command("purge_presentation_requests")
