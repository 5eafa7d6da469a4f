import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...deadlines import BATCH, enforce
from ...enums import FileState


class Command(BaseCommand):
    help = (
        "Tâche périodique : les dossiers de formation dont le délai est passé sont annulés "
        "sans suite (demande sans réponse, proposition non acceptée) ; le service fait "
        "déclaré sans contrôle depuis 5 jours ouvrés est validé. Idempotente, par lots."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="date du jour (AAAA-MM-JJ ; par défaut aujourd'hui)",
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="dossiers par lot")
        parser.add_argument("--dry-run", action="store_true", help="compte seulement")

    def handle(self, *args, date=None, batch=BATCH, dry_run=False, **options):
        today = date or timezone.localdate()
        outcome = enforce(today, batch=batch, dry_run=dry_run)
        verb = "seraient traités" if dry_run else "traités"
        for state, count in outcome.moved.items():
            self.stdout.write(f"« {FileState(state).label} » : {count} dossier(s) {verb}.")
        if outcome.payments_expired:
            self.stdout.write(f"{outcome.payments_expired} paiement(s) expiré(s).")
        if outcome.failed:
            self.stderr.write(f"{outcome.failed} dossier(s) en erreur (voir le journal).")
