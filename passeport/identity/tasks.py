"""Identity's periodic job: the purge of expired login attempts and API tokens (the same
command as the README's cron line)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


@db_periodic_task(crontab(minute="17"))
def purge_expired():
    return run_command("purge_expired")
