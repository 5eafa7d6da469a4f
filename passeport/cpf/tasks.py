"""CPF's periodic jobs (the same commands as the README's cron lines)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passeport.jobs.services import run_command


# Rights of year N are credited in the first half of N+1, from the DSN: every Monday
# night from February (December's DSN is in) to June, so that corrected DSNs are taken
# into account; idempotent (an unchanged year writes nothing, a changed one an adjustment).
@db_periodic_task(crontab(minute="30", hour="2", day_of_week="1", month="2-6"))
def compute_cpf_rights():
    year = timezone.localdate().year - 1
    return run_command("compute_cpf_rights", "--year", str(year), "--no-progress")


# Volunteers' declarations not confirmed by 31 December of N+1 close; daily work, run
# every six hours so that a machine that was off catches up.
@db_periodic_task(crontab(minute="50", hour="*/6"))
def expire_cec_declarations():
    return run_command("expire_cec_declarations")


# The ledger's own check (balances equal to the sum of movements), weekly.
@db_periodic_task(crontab(minute="10", hour="3", day_of_week="0"))
def verify_cpf_ledger():
    return run_command("verify_cpf_ledger")
