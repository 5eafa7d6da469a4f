"""A certifier authorises training providers to prepare to its certifications (the
referencing rule of `referencing.is_authorised`): only for fiches that name it (by
SIRET), journaled; a withdrawal keeps the row (revoked_at) and stops new sessions."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.journal.services import Event, log
from passeport.organisations.models import Organisation
from passeport.referentials.models.certifications import Fiche

from .models import CertifierAuthorisation


class AuthorisationError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def fiches_of(certifier):
    return Fiche.objects.filter(certifiers__siret=certifier.siret).distinct().order_by("code")


@transaction.atomic
def grant(certifier, *, code: str, provider_siret: str, actor) -> CertifierAuthorisation:
    fiche = fiches_of(certifier).filter(code=code.strip().upper()).first()
    if fiche is None:
        raise AuthorisationError(
            f"{code} n'est pas une certification dont vous êtes le certificateur."
        )
    provider = Organisation.objects.filter(
        siret=provider_siret.strip(), is_training_provider=True
    ).first()
    if provider is None:
        raise AuthorisationError("Aucun organisme de formation connu sous ce SIRET.")
    try:
        with transaction.atomic():
            made = CertifierAuthorisation.objects.create(
                certifier=certifier, provider=provider, certification_code=fiche.code
            )
    except IntegrityError as error:
        raise AuthorisationError("Cette habilitation est déjà accordée.") from error
    log(
        Event(
            actor,
            "catalog.authorisation_granted",
            "catalog.CertifierAuthorisation",
            str(made.pk),
            None,
            payload={"certification": fiche.code, "provider_siret": provider.siret},
        )
    )
    return made


@transaction.atomic
def revoke(authorisation, *, actor) -> None:
    if authorisation.revoked_at:
        return
    authorisation.revoked_at = timezone.now()
    authorisation.save(update_fields=["revoked_at"])
    log(
        Event(
            actor,
            "catalog.authorisation_revoked",
            "catalog.CertifierAuthorisation",
            str(authorisation.pk),
            None,
            payload={
                "certification": authorisation.certification_code,
                "provider_siret": authorisation.provider.siret,
            },
        )
    )
