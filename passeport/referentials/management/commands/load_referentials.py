"""Load the public reference data (COG, NAF, ROME 4.0, RNCP/RS) into the database."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ...loaders import EXTRACT_DIR, SOURCES, SourceError, load_source
from ...loaders.derived import DERIVED_FROM, rebuild_bloc_skills
from ...models import BlocSkill, FicheBloc
from ...signals import referentials_loaded


def _number(value):
    return f"{value:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = (
        "Charge les référentiels publics (COG, NAF, ROME 4.0, RNCP/RS). Par défaut depuis "
        "SHARED_DATA_DIR, ou l'extrait intégré au projet si ce dossier est absent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            help="Dossier des données (par défaut : SHARED_DATA_DIR).",
        )
        parser.add_argument(
            "--only",
            default=",".join(SOURCES),
            help=f"Sources à charger, séparées par des virgules ({', '.join(SOURCES)}).",
        )
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="Ne recharge pas une source dont les fichiers n'ont pas changé.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="N'affiche pas les barres de progression."
        )

    def handle(self, *args, source=None, only, if_needed, no_progress, **options):
        names = [name.strip().lower() for name in only.split(",") if name.strip()]
        unknown = [name for name in names if name not in SOURCES]
        if unknown or not names:
            raise CommandError(
                f"Source inconnue : {', '.join(unknown) or '(aucune)'}. "
                f"Sources possibles : {', '.join(SOURCES)}."
            )
        root = self._root(source)
        loaded = []
        for name in SOURCES:  # always in the same order, whatever --only says
            if name not in names:
                continue
            try:
                result = load_source(name, root, if_needed=if_needed, progress=not no_progress)
            except SourceError as error:
                raise CommandError(str(error)) from error
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"{name} : {warning}"))
            self.stdout.write(self._summary(result))
            if not result.skipped:
                loaded.append(name)
        # Also when nothing changed but the derived table is empty (a database migrated
        # from before it existed).
        if DERIVED_FROM & set(loaded) or (
            FicheBloc.objects.exists() and not BlocSkill.objects.exists()
        ):
            rows, seconds = rebuild_bloc_skills()
            self.stdout.write(
                self.style.SUCCESS(
                    f"compétences des blocs (déduites du ROME et du RNCP) : "
                    f"{_number(rows)} liens en {seconds:.1f} s."
                )
            )
        referentials_loaded.send(sender=self.__class__, sources=loaded)
        if loaded:
            self._vacuum_analyze()

    def _vacuum_analyze(self):
        """After a bulk reload, PostgreSQL's statistics and visibility maps are stale
        until autovacuum passes: its plans then read whole tables (measured: five times
        the time of the same reads once vacuumed). Done here, outside any transaction."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        tables = [
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.app_label in ("referentials", "orientation") and not model._meta.proxy
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')

    def _root(self, source):
        if source is not None:
            if not source.is_dir():
                raise CommandError(
                    f"Le dossier source « {source} » n'existe pas ou n'est pas un dossier."
                )
            return source
        shared = Path(settings.SHARED_DATA_DIR)
        if shared.is_dir():
            return shared
        self.stdout.write(
            self.style.WARNING(
                f"Dossier des données partagées absent ({shared}) : "
                f"chargement de l'extrait intégré au projet ({EXTRACT_DIR})."
            )
        )
        return EXTRACT_DIR

    def _summary(self, result):
        if result.skipped:
            when = result.previous.loaded_at.astimezone().strftime("%d/%m/%Y %H:%M")
            return (
                f"{result.name} ({result.label}) : fichiers inchangés depuis le chargement "
                f"du {when} ({_number(result.rows)} lignes), ignoré."
            )
        tables = ", ".join(f"{_number(count)} {table}" for table, count in result.details.items())
        return self.style.SUCCESS(
            f"{result.name} ({result.label}) : {tables} – "
            f"{_number(result.rows)} lignes en {result.seconds:.1f} s."
        )
