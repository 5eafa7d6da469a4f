"""Rotates the issuer keys: the active generated keys stop signing (they stay published,
with the date they stopped, so that what they signed still verifies) and new Ed25519 and
P-256 keys sign from now on. With configured keys (CREDENTIALS_ISSUER_KEYS[_FILE]) the
rotation is done in the configuration: the command says so and changes nothing.

    .venv/bin/python manage.py rotate_issuer_keys            # lists the keys only
    .venv/bin/python manage.py rotate_issuer_keys --wet-run  # rotates
"""

import logging

from django.core.management.base import BaseCommand, CommandError

from passeport.credentials import keys

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Remplace les clés d'émission des attestations (les anciennes restent publiées)."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Effectuer la rotation.")

    def handle(self, *args, wet_run=False, **options):
        if wet_run:
            try:
                created = keys.rotate()
            except keys.KeyStoreError as error:
                raise CommandError(str(error)) from error
            logger.info("rotate_issuer_keys kids=%s", [key.kid for key in created])
            for key in created:
                self.stdout.write(self.style.SUCCESS(f"Nouvelle clé {key.algorithm} : {key.kid}"))
        published = keys.published_keys()
        if not published:
            self.stdout.write("Aucune clé : elles seront créées à la première émission.")
        for key in published:
            state = "signe" if key.active else f"retirée le {key.not_after:%d/%m/%Y %H:%M}"
            self.stdout.write(f"{key.kid} ({key.algorithm}) : {state}, publiée")
        if not wet_run:
            self.stdout.write("Rien n'a changé : ajoutez --wet-run pour effectuer la rotation.")
