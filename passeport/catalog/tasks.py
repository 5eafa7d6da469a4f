"""The catalogue's periodic jobs (the same commands as the README's cron lines)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passeport.jobs.services import run_command


# Training files' deadlines are counted in days: hourly, so that a file is cancelled (or
# its service fait validated) early on the day after its last day.
@db_periodic_task(crontab(minute="15"))
def enforce_training_file_deadlines():
    return run_command("enforce_training_file_deadlines")


# The Caisse des Dépôts' payment run: daily, so that every invoice is paid by its due date
# (30 days after it is issued); a second run the same day pays nothing.
@db_periodic_task(crontab(hour="6", minute="30"))
def pay_due_invoices():
    return run_command("pay_due_invoices")


# A webhook delivery: retried with backoff (1, 2, 4, 8, 16 minutes) when the provider's
# software does not answer 2xx; each attempt is counted on the delivery.
@db_task(retries=5, retry_delay=60, retry_backoff=2)
def deliver_webhook(delivery_id: int):
    from .webhooks import deliver

    return deliver(delivery_id)
