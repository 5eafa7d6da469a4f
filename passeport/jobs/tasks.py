"""The queue's own tasks: e-mail delivery for every app, and the daily purge of old task
runs."""

import logging

from django.core.mail import get_connection
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services

logger = logging.getLogger(__name__)


# A mail relay may be down for a while: 1, 2, 4, 8 then 16 minutes between attempts.
@db_task(retries=5, retry_delay=60, retry_backoff=2, context=True)
def deliver_mail(messages, label: str, task=None):
    """Sends `messages` over one connection. On a failure, the retry sends only the
    messages not yet sent (nobody gets a message twice)."""
    sent = 0
    with get_connection() as connection:
        for position, message in enumerate(messages):
            try:
                sent += connection.send_messages([message]) or 0
            except Exception:
                if task is not None:
                    task.args = (messages[position:], label)
                logger.warning("e-mail %s : %d envoyé(s), échec au suivant", label, sent)
                raise
    logger.info("e-mail %s : %d envoyé(s)", label, sent)  # never an address
    return sent


@db_periodic_task(crontab(minute="31", hour="4"))
def purge_task_runs():
    deleted = services.purge_runs(timezone.now())
    logger.info("Exécutions de tâches supprimées : %d", deleted)
    return deleted
