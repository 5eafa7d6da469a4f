"""Every 10 minutes: the lines of credited orders that a stopped worker left pending are
credited (idempotent: a credited line is never credited again).

    cron: */10 * * * *  .venv/bin/python manage.py resume_funder_credits
"""

from django.core.management.base import BaseCommand

from passeport.funding.orders import resume_crediting
from passeport.journal.actors import Actor


class Command(BaseCommand):
    help = "Crédite les lignes restées en attente des commandes d'abondement déjà payées."

    def handle(self, *args, **options):
        done = resume_crediting(actor=Actor.system("resume_funder_credits"))
        self.stdout.write(f"{done} ligne(s) créditée(s).")
