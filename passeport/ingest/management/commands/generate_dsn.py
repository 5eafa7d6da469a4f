import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passeport.ingest.dsn.generator import database_groups, synthetic_groups, write_dsn


def month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"Mois attendu sous la forme AAAA-MM : « {value} ».") from error


class Command(BaseCommand):
    help = (
        "Écrit une DSN mensuelle synthétique valide (ISO-8859-1, CRLF), une déclaration par "
        "établissement ; avec --from-database, pour les titulaires de la base et leurs "
        "périodes d'emploi issues de la DSN."
    )

    def add_arguments(self, parser):
        parser.add_argument("--individuals", type=int, required=True, help="nombre d'individus")
        parser.add_argument("--month", type=month, required=True, help="mois déclaré (AAAA-MM)")
        parser.add_argument("--output", type=Path, required=True, help="fichier à écrire")
        parser.add_argument(
            "--seed", type=int, default=1, help="graine (même graine, même fichier)"
        )
        parser.add_argument(
            "--from-database",
            action="store_true",
            help="titulaires et périodes d'emploi (source DSN) pris dans la base",
        )
        parser.add_argument(
            "--envelope", action="store_true", help="avec l'enveloppe de dépôt (S05 … S95)"
        )
        parser.add_argument(
            "--per-establishment",
            type=int,
            default=50,
            help="individus par établissement ; 0 : tailles réalistes (1 à 2 000 salariés)",
        )

    def handle(self, *args, individuals, month, output, seed, from_database, envelope, **options):
        if options["per_establishment"] < 0:
            raise CommandError("--per-establishment doit être positif ou nul.")
        if individuals < 1:
            raise CommandError("--individuals doit être un entier positif.")
        source = database_groups if from_database else synthetic_groups
        groups = source(
            individuals, month, seed=seed, per_establishment=options["per_establishment"]
        )
        with output.open("wb") as out:
            written = write_dsn(out, groups, month=month, envelope=envelope)
        self.stdout.write(f"{output} : {written} individus, DSN mensuelle de {month:%m/%Y}.")
