"""`manage.py generate_prevention --kind adf --lines N --declarant SIRET OUT`: a synthetic
file the import accepts, naming the database's persons (after `seed_demo`)."""

from django.core.management.base import BaseCommand, CommandError

from passeport.organisations.models import Organisation
from passeport.prevention import generator


class Command(BaseCommand):
    help = "Écrit un fichier ADF ou JDR synthétique valide (démonstration, tests, mesures)."

    def add_arguments(self, parser):
        parser.add_argument("output", help="fichier CSV à écrire")
        parser.add_argument("--kind", required=True, choices=["adf", "jdr", "ADF", "JDR"])
        parser.add_argument("--lines", type=int, required=True)
        parser.add_argument(
            "--declarant",
            default="",
            help="SIRET du déclarant (préfixe des identifiants ; facultatif)",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, output, kind, lines, declarant, seed, **options):
        if lines < 1:
            raise CommandError("--lines doit être un entier positif.")
        prefix = f"{declarant[-5:] or 'GEN'}-{seed}"
        employers = generator.database_employer_sirets()
        organisation = Organisation.objects.filter(siret=declarant).first() if declarant else None
        if organisation is not None and not organisation.is_training_provider:
            employers = [organisation.siret]  # an employer declares for itself
        try:
            with open(output, "w", encoding="utf-8", newline="") as out:
                written = generator.write_file(
                    out,
                    kind=kind.upper(),
                    lines=lines,
                    persons=generator.database_persons(),
                    rome_codes=generator.database_rome_codes(),
                    employer_sirets=employers,
                    seed=seed,
                    prefix=prefix,
                )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{written} lignes {kind.upper()} écrites dans {output}.")
