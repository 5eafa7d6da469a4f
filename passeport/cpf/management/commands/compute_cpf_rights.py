"""The annual run: CPF rights of year N from the DSN hours (first half of N+1).

    manage.py compute_cpf_rights --year 2025 [--report rapport.json] [--dry-run]

Idempotent: run it again and nothing changes; after a corrected DSN it writes one
adjustment per holder whose result changed. The report holds counts only, never a NIR.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from passeport.core.progress import Progress
from passeport.cpf import annual, rules


class Command(BaseCommand):
    help = (
        "Calcule les droits CPF de l'année donnée à partir des heures travaillées déclarées "
        "en DSN (acquisitions, plafonds, régularisations). Relancé, ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="année des heures (AAAA)")
        parser.add_argument("--report", type=Path, help="compte rendu JSON (sans NIR)")
        parser.add_argument(
            "--dry-run", action="store_true", help="calculer et compter sans rien enregistrer"
        )
        parser.add_argument("--batch-size", type=int, default=annual.BATCH)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, year, report, dry_run, batch_size, no_progress, **options):
        try:
            rules.rates_for(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if batch_size < 1:
            raise CommandError("--batch-size doit être un entier positif.")
        # Query logging (DEBUG) would keep every statement of a million-holder run.
        settings.DEBUG = False
        bar = None if no_progress else Progress(unit=" titulaires", desc=f"Droits {year}")

        def progress(done, total):
            if bar is not None:
                bar.total = total
                bar.n = done
                bar.refresh()

        try:
            result = annual.compute_rights(
                year, dry_run=dry_run, batch_size=batch_size, progress=progress
            )
        finally:
            if bar is not None:
                bar.close()
        for line in result.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
        if report:
            report.write_text(
                json.dumps(result.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
            )
            self.stdout.write(f"Compte rendu : {report}")
