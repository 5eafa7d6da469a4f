"""The embedded default's in-process tasks: the periodic commands production runs from
cron (README, "Tâche quotidienne"), run by an APScheduler thread inside the serving
process when `INPROCESS_TASKS` is on (`make run`). Each is safe to run again or twice at
once (claims, reminders sent once), so a restart that runs them early does no harm; the
first runs come shortly after start-up, which takes up what the restart interrupted.
"""

import datetime
import io
import logging

from django.conf import settings
from django.core.management import call_command
from django.db import connections

logger = logging.getLogger(__name__)

# (command, interval): the frequencies the README suggests for cron.
JOBS: tuple[tuple[str, datetime.timedelta], ...] = (
    ("resume_prevention_imports", datetime.timedelta(minutes=10)),
    ("resume_accrochage", datetime.timedelta(minutes=10)),
    ("purge_expired", datetime.timedelta(hours=1)),
    # Daily jobs, run more often than daily: each does a day's work once.
    ("settle_prevention_reviews", datetime.timedelta(hours=6)),
    ("send_reminders", datetime.timedelta(hours=6)),
)
# After start-up, so that serving the first pages comes first; then one after the other.
FIRST_RUN_AFTER = datetime.timedelta(seconds=20)
BETWEEN_FIRST_RUNS = datetime.timedelta(seconds=5)

_scheduler = None


def run_job(name: str) -> str:
    """Runs one command as cron would; its output goes to the log. An error is logged,
    never raised: the next run tries again."""
    output = io.StringIO()
    try:
        call_command(name, stdout=output, stderr=output)
    except Exception:
        logger.exception("Tâche %s : échec", name)
    else:
        logger.info("Tâche %s : %s", name, output.getvalue().strip().replace("\n", " ; "))
    return output.getvalue()


def _run_in_thread(name: str) -> None:
    try:
        run_job(name)
    finally:
        # The scheduler's threads are not request threads: nothing else closes these.
        connections.close_all()


def start(now: datetime.datetime | None = None):
    """Starts the scheduler once per process if `INPROCESS_TASKS`; returns it (or None)."""
    global _scheduler
    if _scheduler is not None or not settings.INPROCESS_TASKS:
        return None
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BackgroundScheduler(
        timezone=settings.TIME_ZONE,
        # One run of a job at a time; runs missed while busy or asleep become one.
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    first = (now or datetime.datetime.now(datetime.UTC)) + FIRST_RUN_AFTER
    for position, (name, every) in enumerate(JOBS):
        scheduler.add_job(
            _run_in_thread,
            IntervalTrigger(seconds=int(every.total_seconds())),
            args=[name],
            id=name,
            name=name,
            next_run_time=first + position * BETWEEN_FIRST_RUNS,
        )
    scheduler.start()
    _scheduler = scheduler
    logger.info("Tâches en cours de processus : %s", ", ".join(name for name, _ in JOBS))
    return scheduler


def stop() -> None:
    global _scheduler
    if _scheduler is not None:
        _scheduler.shutdown(wait=False)
        _scheduler = None
