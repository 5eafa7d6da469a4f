"""The funders' periodic jobs (the same commands as the README's cron lines)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


# Restricted credits past their end date (décret 2025-341): daily work, run every six
# hours so that a machine that was off catches up; idempotent.
@db_periodic_task(crontab(minute="40", hour="*/6"))
def return_unused_credits():
    return run_command("return_unused_credits")
