"""Daily job (décret 2025-341): what is unused of a restricted funder credit past its
end date goes back to the funder. Idempotent (a returned line is not read again).

    cron: 40 5 * * *  .venv/bin/python manage.py return_unused_credits
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passeport.core.sizes import number
from passeport.cpf.rules import euros
from passeport.funding.credits import return_unused_credits
from passeport.journal.actors import Actor


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from error


class Command(BaseCommand):
    help = (
        "Rend aux financeurs ce qui n'a pas été utilisé des abondements dont la date limite "
        "d'utilisation est passée. À lancer chaque jour ; sans effet si rien n'est échu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="jour de référence (AAAA-MM-JJ)")

    def handle(self, *args, date=None, **options):
        day = date or timezone.localdate()
        lines, cents = return_unused_credits(day, actor=Actor.system("return_unused_credits"))
        self.stdout.write(
            f"{day.isoformat()} : {number(lines)} ligne(s) échue(s), {euros(cents)} rendus."
        )
