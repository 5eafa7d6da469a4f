"""Follow-up's periodic job: the expiry reminders (the same command as the README's cron
line)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


# Daily work, run every six hours so that a machine that was off catches up; each run
# sends a day's reminders once.
@db_periodic_task(crontab(minute="40", hour="*/6"))
def send_reminders():
    return run_command("send_reminders")
