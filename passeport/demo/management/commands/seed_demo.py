import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passeport.core.progress import Progress
from passeport.demo import catalog as catalog_demo
from passeport.demo import cpf as cpf_demo
from passeport.demo import funding as funding_demo
from passeport.demo import orientation as orientation_demo
from passeport.demo import population
from passeport.demo import prevention as prevention_demo
from passeport.people.models import Person

# The summary in the newcomer's words, not the code's keys.
PREVENTION_LABELS = {
    "to_verify": "à vérifier par l'employeur",
    "late": "déclarées en retard",
    "deemed_verified": "réputées vérifiées",
    "correction_requested": "correction demandée",
    "corrected": "corrigées",
    "cancelled": "annulées",
    "reprise": "reprises par l'employeur",
}
CPF_LABELS = {
    "heures_dsn": "relevés d'heures DSN",
    "acquisitions": "acquisitions annuelles",
    "engagements": "activités d'engagement citoyen",
    "agents": "crédits d'agents publics",
}


class Command(BaseCommand):
    help = (
        "Crée une population de démonstration déterministe (titulaires, employeurs, "
        "organismes, certificateurs, entrées du passeport) et les identités de test "
        "FranceConnect."
    )

    def add_arguments(self, parser):
        parser.add_argument("--holders", type=int, default=2000, help="nombre de titulaires")
        parser.add_argument(
            "--seed", type=int, default=1, help="graine (même graine, même population)"
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="date de référence des échéances (AAAA-MM-JJ ; par défaut aujourd'hui)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="ne rien faire si la base contient déjà des titulaires",
        )
        parser.add_argument(
            "--without-test-identities",
            action="store_true",
            help="ne pas inclure les identités de test FranceConnect",
        )

    def handle(self, *args, holders, seed, batch_size, today, if_empty, **options):
        if holders < 1:
            raise CommandError("--holders doit être un entier positif.")
        existing = Person.objects.exists()
        if existing and if_empty:
            self.stdout.write("Population de démonstration déjà présente : rien à faire.")
            return
        if existing:
            raise CommandError(
                "La base contient déjà des titulaires : la population de démonstration se crée "
                "dans une base vide (videz-la, ou utilisez --if-empty)."
            )
        # Query logging (DEBUG) would cost more than the inserts themselves.
        settings.DEBUG = False
        started = time.perf_counter()
        progress = Progress(total=holders, unit=" titulaires", desc="Population de démonstration")
        done = 0
        try:
            for written in population.seed(
                holders,
                seed=seed,
                today=today or timezone.localdate(),
                batch_size=batch_size,
                include_test_identities=not options["without_test_identities"],
            ):
                progress.update(written - done)
                done = written
        except population.ReferentialsMissing as error:
            raise CommandError(str(error)) from error
        finally:
            progress.close()
        # Prevention declarations at their various stages (to verify, late, corrected…).
        declared = prevention_demo.seed(today or timezone.localdate())
        if declared:
            self.stdout.write(
                "Déclarations de prévention de démonstration : "
                + ", ".join(f"{PREVENTION_LABELS.get(k, k)} {n}" for k, n in declared.items())
                + "."
            )
        # CPF rights: DSN hours, the annual run for each past year, CEC and public agents.
        rights = cpf_demo.seed(today or timezone.localdate(), seed=seed)
        self.stdout.write(
            "Droits CPF de démonstration : "
            + ", ".join(f"{CPF_LABELS.get(key, key)} {count}" for key, count in rights.items())
            + "."
        )
        # Orientation: a counselling organisation, a grant with its plan, a declared-only
        # holder (passeport.demo.orientation).
        counselled = orientation_demo.seed(
            today or timezone.localdate(),
            test_identities=not options["without_test_identities"],
        )
        if counselled:
            self.stdout.write(
                "Orientation de démonstration : "
                + ", ".join(f"{key} {count}" for key, count in counselled.items())
                + "."
            )
        # Funders: a demo Région with a published rule, an employer's corrective order.
        funded = funding_demo.seed(today or timezone.localdate())
        if funded:
            self.stdout.write(
                "Financeurs de démonstration : "
                + ", ".join(f"{key} {count}" for key, count in funded.items())
                + "."
            )
        # The catalogue: a demo provider's trainings, an unanswered request (demo.catalog).
        catalogue = catalog_demo.seed(today or timezone.localdate())
        if catalogue:
            self.stdout.write(
                "Catalogue de démonstration : "
                + ", ".join(f"{key} {count}" for key, count in catalogue.items())
                + "."
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} titulaires créés en {elapsed:.1f} s "
                f"({done / elapsed:,.0f} titulaires/s).".replace(",", " ")
            )
        )
