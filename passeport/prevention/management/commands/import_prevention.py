"""`manage.py import_prevention FILE --kind adf|jdr --declarant SIRET [--report r.json]`:
the same import as the portal's, processed here and now, with a progress bar; with
`--queue`, received here and processed by the workers (its page shows the progress)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passeport.core.progress import Progress
from passeport.organisations.models import Organisation
from passeport.prevention import import_reports, importer
from passeport.prevention.enums import Channel, DeclarantRole, ImportStatus
from passeport.prevention.services import DeclarationRefused, roles_of


class Command(BaseCommand):
    help = (
        "Importe un fichier ADF ou JDR (CSV « | » UTF-8 ou XLSX) pour un organisme de "
        "formation ou un employeur : les mêmes contrôles et le même rapport que le portail. "
        "Importer à nouveau le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV ou XLSX")
        parser.add_argument("--kind", required=True, choices=["adf", "jdr", "ADF", "JDR"])
        parser.add_argument("--declarant", required=True, help="SIRET du déclarant")
        parser.add_argument(
            "--role",
            choices=[DeclarantRole.PROVIDER, DeclarantRole.EMPLOYER],
            help="qualité du déclarant (par défaut : organisme de formation s'il l'est)",
        )
        parser.add_argument("--report", help="écrit le rapport JSON dans ce fichier")
        parser.add_argument("--report-csv", help="écrit le rapport CSV dans ce fichier")
        parser.add_argument(
            "--corrected", help="écrit le fichier des lignes rejetées dans ce fichier"
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="confier le traitement aux workers (tâches de fond) au lieu de le faire ici",
        )

    def handle(
        self,
        *args,
        file,
        kind,
        declarant,
        role,
        report,
        report_csv,
        corrected,
        no_progress,
        queue,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        organisation = Organisation.objects.filter(siret=declarant.replace(" ", "")).first()
        if organisation is None:
            raise CommandError(f"Aucune organisation de SIRET {declarant}.")
        roles = roles_of(organisation)
        role = role or (roles[0] if roles else DeclarantRole.PROVIDER)
        started = time.perf_counter()
        try:
            imported = importer.receive_import(
                str(path),
                kind=kind.upper(),
                declarant=organisation,
                role=role,
                channel=Channel.COMMAND,
            )
        except DeclarationRefused as refused:
            raise CommandError(refused.message) from None
        if queue:
            if imported.status == ImportStatus.REJECTED:
                raise CommandError(importer.summary(imported))
            importer.start_after_commit(imported)  # autocommit: enqueued now
            self.stdout.write(
                f"{imported.file_name} : reçu (import {imported.public_id}), confié aux workers."
            )
            return
        bar = Progress(unit=" lignes", desc=f"Import {kind.upper()}", disable=no_progress)
        imported = importer.process_import(imported, progress=bar.update)
        bar.close()
        elapsed = time.perf_counter() - started
        if report:
            with open(report, "w", encoding="utf-8") as out:
                import_reports.write_report_json(imported, out)
        if report_csv:
            with open(report_csv, "w", encoding="utf-8", newline="") as out:
                import_reports.write_report_csv(imported, out)
        if imported.status == ImportStatus.REJECTED:
            raise CommandError(importer.summary(imported))
        if corrected and imported.rejected_count:
            with open(corrected, "w", encoding="utf-8", newline="") as out:
                import_reports.write_corrected_file(imported, out)
        rate = imported.processed_count / elapsed if elapsed else 0
        self.stdout.write(
            f"{imported.file_name} : {imported.processed_count} lignes traitées en "
            f"{elapsed:.1f} s ({rate:,.0f} lignes/s). {importer.summary(imported)}"
        )
