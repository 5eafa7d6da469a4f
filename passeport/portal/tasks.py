"""The portal's periodic job: Wagtail's scheduled publications (the same command as the
README's cron line)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


@db_periodic_task(crontab(minute="*/5"))
def publish_scheduled():
    return run_command("publish_scheduled")
