from django.core.management.base import BaseCommand, CommandError

from passeport.journal.verification import verify_journal


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal : « intact » ou la première entrée rompue."

    def handle(self, *args, **options):
        result = verify_journal()
        if not result.intact:
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
