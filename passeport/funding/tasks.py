"""The funders' periodic jobs (the same commands as the README's cron lines)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passeport.jobs.services import run_command


# Restricted credits past their end date (décret 2025-341): daily work, run every six
# hours so that a machine that was off catches up; idempotent.
@db_periodic_task(crontab(minute="40", hour="*/6"))
def return_unused_credits():
    return run_command("return_unused_credits")


# An order's lines credited by a worker (large orders confirmed by an operator); no
# automatic retry: `resume_funder_credits` takes up what a stopped worker left.
@db_task()
def credit_order(pk: int) -> None:
    from passeport.journal.actors import Actor

    from .models import CreditOrder
    from .orders import credit_pending_lines

    credit_pending_lines(CreditOrder.objects.get(pk=pk), actor=Actor.system("credit_order"))


@db_periodic_task(crontab(minute="*/10"))
def resume_funder_credits():
    return run_command("resume_funder_credits")
