"""Daily job: the providers' declarations that the named employer neither confirmed nor
questioned before the review deadline become "deemed verified" (décret 2025-748).
Idempotent: a settled line is no longer pending, so running it twice changes nothing.
Pages compute the same state on display (`lifecycle.effective_review_status`), so a late
run never shows a stale state.

    cron: 10 6 * * *  .venv/bin/python manage.py settle_prevention_reviews
"""

import datetime
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passeport.prevention import lifecycle

logger = logging.getLogger(__name__)


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from error


class Command(BaseCommand):
    help = (
        "Marque « réputées vérifiées » les déclarations de prévention des organismes de "
        "formation que l'employeur n'a ni confirmées ni contestées avant la fin du délai de "
        "vérification. À lancer chaque jour ; sans effet si rien n'est échu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_day, help="Jour de référence (AAAA-MM-JJ) ; aujourd'hui par défaut."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Compter les lignes échues sans rien changer."
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        day = date or timezone.localdate()
        if dry_run:
            count = lifecycle.due_for_settlement(day).count()
            self.stdout.write(f"{day.isoformat()} : {count} ligne(s) à marquer réputées vérifiées.")
            return
        count = lifecycle.settle_reviews(day)
        self.stdout.write(f"{day.isoformat()} : {count} ligne(s) marquée(s) réputées vérifiées.")
        logger.info("settle_prevention_reviews %s: %s lines deemed verified", day, count)
