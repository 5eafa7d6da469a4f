"""Daily job: the Compte d'engagement citoyen's deadlines. Volunteers' declarations of year
N that no association confirmed by 31 December of N+1 expire; association hours confirmed
but below the year's threshold by then are closed as such. Idempotent.

    cron: 20 6 * * *  .venv/bin/python manage.py expire_cec_declarations
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passeport.cpf import cec
from passeport.journal.actors import Actor


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from error


class Command(BaseCommand):
    help = (
        "Clôt les déclarations du compte d'engagement citoyen dont le délai est passé "
        "(non confirmées par l'association au 31 décembre de l'année suivante, ou seuil "
        "annuel non atteint). À lancer chaque jour ; sans effet si rien n'est échu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="jour de référence (AAAA-MM-JJ)")
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien changer")

    def handle(self, *args, date=None, dry_run=False, **options):
        day = date or timezone.localdate()
        counts = cec.expire_due(day, actor=Actor.system("expire_cec_declarations"), dry_run=dry_run)
        verb = "à clore" if dry_run else "closes"
        self.stdout.write(
            f"{day.isoformat()} : {counts['expired']} déclaration(s) non confirmée(s) et "
            f"{counts['insufficient']} sous le seuil annuel {verb}."
        )
