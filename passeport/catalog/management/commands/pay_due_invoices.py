import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from passeport.cpf.rules import euros

from ...billing import BATCH, pay_due


class Command(BaseCommand):
    help = (
        "Tâche périodique (quotidienne) : la Caisse des Dépôts paie les factures émises "
        "des organismes de formation (dossiers « Facturé » → « Payé »), au plus tard à "
        "leur échéance de 30 jours. Idempotente, par lots."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="jour du paiement (AAAA-MM-JJ ; par défaut aujourd'hui)",
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="factures par lot")
        parser.add_argument("--dry-run", action="store_true", help="compte seulement")

    def handle(self, *args, date=None, batch=BATCH, dry_run=False, **options):
        today = date or timezone.localdate()
        run = pay_due(today, dry_run=dry_run, batch=batch)
        verb = "seraient payée(s)" if dry_run else "payée(s)"
        self.stdout.write(
            f"{run.paid} facture(s) {verb} le {today:%d/%m/%Y} : {euros(run.amount_cents)}."
        )
        if run.failed:
            self.stderr.write(f"{run.failed} facture(s) en erreur.")
