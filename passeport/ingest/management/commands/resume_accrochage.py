"""Takes up again the accrochage files a restart or a killed process left unfinished
(portal and API uploads are processed in a background thread). A file is taken up only
when its last chunk is older than `ACCROCHAGE_STALE_AFTER` (5 minutes): a run still
going is left alone. Passages stored before the interruption are not stored twice.

    cron: */10 * * * *  .venv/bin/python manage.py resume_accrochage
"""

from django.core.management.base import BaseCommand

from passeport.ingest.accrochage import services


class Command(BaseCommand):
    help = (
        "Reprend les fichiers d'accrochage dont le traitement a été interrompu (arrêt du "
        "serveur). Sans effet si aucun ne l'est."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Lister les dépôts interrompus sans rien faire."
        )

    def handle(self, *args, dry_run, **options):
        stale = list(services.stale_submissions().order_by("received_at", "pk"))
        for submission in stale:
            if dry_run:
                self.stdout.write(
                    f"{submission.file_name} ({submission.certifier.name}) : "
                    f"{submission.processed_count} passage(s) sur {submission.passages_count}."
                )
            else:
                done = services.process_submission(submission)
                self.stdout.write(
                    f"{done.file_name} : {done.get_status_display()}, {done.ok_count} "
                    f"passage(s) accepté(s), {done.ko_count} rejeté(s)."
                )
        verb = "interrompu(s)" if dry_run else "repris"
        self.stdout.write(f"{len(stale)} dépôt(s) {verb}.")
