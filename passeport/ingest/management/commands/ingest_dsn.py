import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from passeport.core.progress import Progress
from passeport.ingest.dsn.deposits import DepositFailed, ingest_file

REASONS = {
    "temporary_number_only": "numéro technique temporaire seulement (sans NIR)",
    "unknown_nir": "NIR inconnu",
    "birth_name_mismatch": "nom de naissance différent",
}


class Command(BaseCommand):
    help = (
        "Intègre des fichiers DSN (mensuelles et fins de contrat unique) : périodes d'emploi "
        "créées, mises à jour ou inchangées, heures travaillées ; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="fichiers DSN")
        parser.add_argument("--report", type=Path, help="compte rendu JSON (sans aucun NIR)")
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args, files, report, no_progress, **options):
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"Fichier introuvable : {', '.join(missing)}")
        # Query logging (DEBUG) would cost more than the work itself.
        settings.DEBUG = False
        started = time.perf_counter()
        reports = []
        failed = []
        for path in files:
            bar = Progress(
                total=path.stat().st_size,
                unit="o",
                unit_scale=True,
                desc=path.name,
                disable=no_progress,
            )
            done = [0]

            def progress(position, bar=bar, done=done):
                bar.update(position - done[0])
                done[0] = position

            try:
                result = ingest_file(path, progress=progress)
            except DepositFailed as failure:
                # The deposit is marked failed, with the report of what was integrated;
                # the traceback went to the log (NIR masked). The next files are read.
                failed.append(path.name)
                reports.append(failure.result.report)
                self._summary(failure.result.report)
                self.stderr.write(f"  {failure.result.report['erreur']}")
                continue
            finally:
                bar.close()
            reports.append(result.report)
            self._summary(result.report)
        elapsed = time.perf_counter() - started
        if report:
            report.write_text(
                json.dumps(
                    {"fichiers": reports, "duree_s": round(elapsed, 2)},
                    indent=2,
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            self.stdout.write(f"Compte rendu : {report}")
        if failed:
            raise CommandError(f"Échec du traitement : {', '.join(failed)}")

    def _summary(self, report: dict) -> None:
        totals = report["totaux"]
        write = self.stdout.write
        write(f"\n{report['fichier']} ({report['encodage']}, {report['lignes']} lignes)")
        if report["deja_recu_le"]:
            write(f"  Fichier identique déjà reçu le {report['deja_recu_le'][:19]}.")
        write(
            f"  Déclarations : {totals['declarations']} "
            f"(intégrées {totals['declarations_integrees']}, "
            f"rejetées {totals['declarations_rejetees']}, "
            f"ignorées {totals['declarations_ignorees']})"
        )
        write(
            f"  Individus : {totals['individus']} "
            f"(rattachés {totals['individus_rattaches']}, rejetés {totals['individus_rejetes']})"
        )
        write(
            f"  Périodes d'emploi : {totals['periodes_creees']} créées, "
            f"{totals['periodes_mises_a_jour']} mises à jour, "
            f"{totals['periodes_inchangees']} inchangées"
        )
        write(
            f"  Heures travaillées : {totals['heures_creees']} créées, "
            f"{totals['heures_mises_a_jour']} mises à jour, "
            f"{totals['heures_inchangees']} inchangées"
        )
        for code, count in report["rejets_par_motif"].items():
            write(f"  Individus rejetés — {REASONS.get(code, code)} : {count}")
        for declaration in report["declarations"]:
            if declaration["statut"] != "intégrée":
                write(
                    f"  Déclaration n° {declaration['numero']} (ligne {declaration['ligne']}) "
                    f"{declaration['statut']} : {declaration['motif']}"
                )
                for anomaly in declaration["anomalies"][:5]:
                    write(
                        f"    ligne {anomaly['ligne']} {anomaly['rubrique']} : {anomaly['motif']}"
                    )
        for anomaly in report["anomalies_fichier"][:5]:
            write(f"  Anomalie ligne {anomaly['ligne']} {anomaly['rubrique']} : {anomaly['motif']}")
