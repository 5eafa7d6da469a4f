"""Resumes the prevention imports a restart or a killed process left unfinished: each
one's remaining lines, after the batches already committed (never declared twice).
An import is taken up only when its last batch is older than
`PREVENTION_IMPORT_STALE_AFTER` (5 minutes): a run still going is left alone.

    cron: */10 * * * *  .venv/bin/python manage.py resume_prevention_imports
"""

from django.core.management.base import BaseCommand

from passeport.prevention import importer


class Command(BaseCommand):
    help = (
        "Reprend les imports de déclarations de prévention interrompus (arrêt du serveur), "
        "après les lignes déjà enregistrées. Sans effet si aucun n'est interrompu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Lister les imports interrompus sans rien faire."
        )

    def handle(self, *args, dry_run, **options):
        stale = list(importer.stale_imports().order_by("created_at", "pk"))
        if dry_run:
            for imported in stale:
                self.stdout.write(
                    f"{imported.file_name} ({imported.declarant.name}) : "
                    f"{imported.processed_count} ligne(s) sur {imported.total_count} traitées."
                )
            self.stdout.write(f"{len(stale)} import(s) interrompu(s).")
            return
        resumed = importer.resume_stale_imports()
        for imported in resumed:
            self.stdout.write(f"{imported.file_name} : {importer.summary(imported)}")
        self.stdout.write(f"{len(resumed)} import(s) repris.")
