"""Daily job: reminders of prevention trainings whose validity ends in 90 or 30 days or
has ended, to holders and (with their consent) to their employers, by e-mail and in the
service. Sends each reminder once, even if run twice or twice at once.

    cron: 40 6 * * *  .venv/bin/python manage.py send_reminders
"""

import datetime
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passeport.followup.reminders import send_reminders

logger = logging.getLogger(__name__)


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from error


class Command(BaseCommand):
    help = (
        "Envoie les rappels d'échéance des formations de prévention (90 jours, 30 jours, "
        "échéance) aux titulaires et, avec leur consentement, à leurs employeurs. "
        "À lancer chaque jour ; un rappel n'est jamais envoyé deux fois."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_day, help="Jour de référence (AAAA-MM-JJ) ; aujourd'hui par défaut."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compter les rappels à envoyer, sans rien enregistrer ni envoyer.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        day = date or timezone.localdate()
        outcome = send_reminders(day, dry_run=dry_run)
        verb = "à envoyer" if dry_run else "envoyés"
        detail = ", ".join(
            f"{count} à {milestone} jours" if milestone else f"{count} à l'échéance"
            for milestone, count in sorted(outcome.by_milestone.items(), reverse=True)
        )
        self.stdout.write(
            f"{day.isoformat()} : {outcome.holder_reminders} rappels aux titulaires"
            f"{f' ({detail})' if detail else ''}, {outcome.employer_reminders} aux employeurs, "
            f"{outcome.emails} courriels {verb}."
        )
        logger.info(
            "send_reminders %s: %s holder, %s employer reminders, %s e-mails%s",
            day,
            outcome.holder_reminders,
            outcome.employer_reminders,
            outcome.emails,
            " (dry run)" if dry_run else "",
        )
