"""The referencing rules: who may publish a CPF offer, and why not (French reasons).

A provider publishes a session when it has a valid NDA, is certified Qualiopi on the
session's first day, and — for an RNCP/RS training — is authorised by the certifier: a
certifier the fiche names (by SIRET) is its own provider; any other provider needs a
`CertifierAuthorisation` granted by one of the fiche's certifiers in its space."""

import datetime

from passeport.core.digits import ascii_digits
from passeport.referentials.models import Fiche

from .models import CertifierAuthorisation


def provider_refusals(provider) -> list[str]:
    reasons = []
    if not provider.is_training_provider:
        reasons.append("L'organisation n'est pas déclarée comme organisme de formation.")
    nda = provider.nda_number or ""
    if len(nda) != 11 or not ascii_digits(nda):
        reasons.append(
            "Numéro de déclaration d'activité (NDA) absent ou invalide : 11 chiffres attendus."
        )
    return reasons


def qualiopi_refusals(provider, start: datetime.date) -> list[str]:
    until = provider.qualiopi_valid_until
    if until is None:
        return ["L'organisme n'est pas certifié Qualiopi."]
    if until < start:
        return [
            f"La certification Qualiopi de l'organisme prend fin le {until:%d/%m/%Y}, "
            f"avant le début de la session ({start:%d/%m/%Y})."
        ]
    return []


def certification_refusals(provider, fiche: Fiche | None, code: str) -> list[str]:
    if not code:
        return []
    if fiche is None:
        return [f"La certification {code} est inconnue du répertoire RNCP / RS."]
    if not fiche.active:
        return [f"La certification {fiche.code} n'est plus active dans son répertoire."]
    if is_authorised(provider, fiche):
        return []
    return [
        f"L'organisme n'est pas habilité par le certificateur de {fiche.code} "
        "à préparer à cette certification."
    ]


def is_authorised(provider, fiche: Fiche) -> bool:
    certifier_sirets = [
        siret for siret in fiche.certifiers.values_list("siret", flat=True) if siret
    ]
    if provider.siret in certifier_sirets:
        return True
    return CertifierAuthorisation.objects.filter(
        provider=provider,
        certification_code=fiche.code,
        revoked_at__isnull=True,
        certifier__siret__in=certifier_sirets,
    ).exists()


def session_refusals(provider, training, start: datetime.date) -> list[str]:
    """Everything that keeps this session of `training` out of the catalogue."""
    return (
        provider_refusals(provider)
        + qualiopi_refusals(provider, start)
        + certification_refusals(provider, training.fiche, training.certification_code)
    )
