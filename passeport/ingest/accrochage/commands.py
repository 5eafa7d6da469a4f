"""The management commands' logic (their modules in `ingest/management/commands` only
import these classes)."""

import shutil
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passeport.core.progress import Progress
from passeport.organisations.models import Organisation

from . import generator, reader
from .models import SubmissionStatus
from .services import submit_accrochage


class IngestCommand(BaseCommand):
    help = (
        "Traite un fichier d'accrochage de certificateur (XSD v1.1.2, ajouts 1.1.5) et écrit "
        "l'accusé de traitement. Rejouer le même fichier ne change rien (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier XML d'accrochage")
        parser.add_argument(
            "--certifier",
            help="SIRET du certificateur (par défaut : celui de l'idClient du fichier)",
        )
        parser.add_argument("--accuse", help="écrit l'accusé de traitement XML dans ce fichier")
        parser.add_argument("--json", help="écrit l'accusé de traitement JSON dans ce fichier")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, certifier, accuse, json, no_progress, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        organisation = self._certifier(path, certifier)
        started = time.perf_counter()
        bar = Progress(unit=" passages", desc="Accrochage", disable=no_progress)
        submission = submit_accrochage(
            str(path), certifier=organisation, background=False, progress=bar.update
        )
        bar.close()
        elapsed = time.perf_counter() - started
        for field, target in ((submission.accuse_xml, accuse), (submission.accuse_json, json)):
            if target and field:
                with field.open("rb") as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
        if submission.status == SubmissionStatus.REJECTED:
            raise CommandError(f"Fichier rejeté : {submission.error_message}")
        total = submission.ok_count + submission.ko_count
        rate = total / elapsed if elapsed else 0
        self.stdout.write(
            f"Fichier {submission.file_name} (idFlux {submission.id_flux}, schéma "
            f"{submission.schema_version}) : {total} passages traités en {elapsed:.1f} s "
            f"({rate:,.0f} passages/s) — {submission.ok_count} acceptés, "
            f"{submission.ko_count} rejetés."
        )

    def _certifier(self, path: Path, siret: str | None) -> Organisation:
        if siret:
            organisation = Organisation.objects.filter(siret=siret, is_certifier=True).first()
            if organisation is None:
                raise CommandError(f"Aucun certificateur de SIRET {siret}.")
            return organisation
        try:
            id_client = reader.certifier_id_client(str(path))
        except reader.FileRejected as rejected:
            raise CommandError(f"Fichier rejeté : {rejected.message}") from None
        organisation = Organisation.objects.filter(
            certifier_id_client=id_client, is_certifier=True
        ).first()
        if organisation is None:
            raise CommandError(
                f"Aucun certificateur d'idClient {id_client or '(absent)'} : précisez "
                "--certifier SIRET."
            )
        return organisation


class GenerateCommand(BaseCommand):
    help = "Écrit un fichier d'accrochage synthétique valide (tests, mesures de performance)."

    def add_arguments(self, parser):
        parser.add_argument("--passages", type=int, required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--from-database",
            action="store_true",
            help="titulaires, fiches actives et certificateur pris dans la base",
        )
        parser.add_argument("--certifier", help="SIRET du certificateur (avec --from-database)")

    def handle(self, *args, passages, output, seed, from_database, certifier, **options):
        if passages < 1:
            raise CommandError("--passages doit être un entier positif.")
        holders, codes, id_client, id_contrat = [], [], "CERTA001", "MCFCER000123"
        if from_database:
            holders = generator.database_holders(seed)
            codes = generator.database_fiche_codes(seed=seed)
            organisations = Organisation.objects.filter(is_certifier=True).order_by("pk")
            organisation = (
                organisations.filter(siret=certifier).first()
                if certifier
                else organisations.first()
            )
            if organisation is not None:
                id_client = organisation.certifier_id_client
                id_contrat = organisation.certifier_id_contrat or id_contrat
        written = generator.write_file(
            output,
            holders,
            codes,
            passages=passages,
            id_client=id_client,
            id_contrat=id_contrat,
            seed=seed,
        )
        self.stdout.write(f"{written} passages écrits dans {output} (idClient {id_client}).")
