"""Deletes OpenID4VP presentation requests past their expiry (never answered) or past
their retention (answered), and OpenID4VCI offers and proof nonces expired for a day.
Idempotent; meant to run every few minutes (a periodic task of the workers)."""

from django.core.management.base import BaseCommand

from passeport.credentials import oid4vci
from passeport.credentials.oid4vp import requests


class Command(BaseCommand):
    help = (
        "Supprime les demandes de présentation expirées et les réponses conservées trop "
        "longtemps, ainsi que les offres d'attestation et nonces expirés depuis un jour."
    )

    def handle(self, *args, **options):
        count = requests.purge()
        offers, nonces = oid4vci.purge_expired()
        self.stdout.write(
            f"{count} demande(s) de présentation, {offers} offre(s) et {nonces} nonce(s) "
            "expiré(s) supprimé(s)."
        )
