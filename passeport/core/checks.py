"""System checks: refuse to start without the secrets production needs."""

import base64
import binascii

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def secrets_configured(app_configs, **kwargs):
    errors = []
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        secret_key = ""
    if not secret_key:
        errors.append(Error("DJANGO_SECRET_KEY n'est pas défini.", id="core.E001"))
    if not settings.NIR_LOOKUP_KEY:
        errors.append(Error("NIR_LOOKUP_KEY n'est pas défini.", id="core.E002"))
    if not settings.NIR_ENCRYPTION_KEYS:
        errors.append(Error("NIR_ENCRYPTION_KEYS n'est pas défini.", id="core.E003"))
    for key in settings.NIR_ENCRYPTION_KEYS:
        try:
            valid = len(base64.urlsafe_b64decode(key)) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            errors.append(
                Error(
                    "Une clé de NIR_ENCRYPTION_KEYS n'est pas une clé Fernet "
                    "(32 octets en base64 URL).",
                    id="core.E004",
                )
            )
    return errors
