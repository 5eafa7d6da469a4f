"""Daily housekeeping: expired login attempts (OIDC state and nonce) and expired API
access tokens. They are worthless once expired (refused anyway), hold no business data,
and nothing refers to them: the purge runs for real by default, --dry-run only counts.

    cron: 17 3 * * *  .venv/bin/python manage.py purge_expired
"""

import datetime
import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from passeport.api.models import ApiToken
from passeport.api.services import purge_expired_tokens
from passeport.identity.models import OidcState
from passeport.identity.state import purge_expired

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Supprime les connexions en cours expirées (state et nonce OpenID Connect) et les "
        "jetons d'accès à l'API expirés. À lancer chaque jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Compter seulement, sans rien supprimer."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            limit = timezone.now() - datetime.timedelta(seconds=2 * settings.OIDC_STATE_MAX_AGE)
            states = OidcState.objects.filter(created_at__lt=limit).count()
            tokens = ApiToken.objects.filter(expires_at__lte=timezone.now()).count()
            done = "à supprimer", "à supprimer"
        else:
            with transaction.atomic():
                states = purge_expired()
                tokens = purge_expired_tokens()
            done = "supprimées", "supprimés"
        logger.info("purge_expired dry_run=%s states=%d tokens=%d", dry_run, states, tokens)
        self.stdout.write(
            self.style.SUCCESS(
                f"Connexions en cours expirées {done[0]} : {states} ; "
                f"jetons d'API expirés {done[1]} : {tokens}."
            )
        )
