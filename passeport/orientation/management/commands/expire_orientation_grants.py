import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...grants import due, expire_due


class Command(BaseCommand):
    help = (
        "Tâche quotidienne : les accès accordés aux conseillers dont le dernier jour est "
        "passé deviennent « arrivés à échéance ». Idempotente."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="date du jour (AAAA-MM-JJ ; par défaut aujourd'hui)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="compte seulement, ne change rien"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        if dry_run:
            count = due(today).count()
            self.stdout.write(f"{count} accès arriveraient à échéance au {today:%d/%m/%Y}.")
            return
        count = expire_due(today)
        self.stdout.write(
            self.style.SUCCESS(f"{count} accès arrivés à échéance au {today:%d/%m/%Y}.")
        )
