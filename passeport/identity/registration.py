"""Registration of an organisation the service does not know yet: the professional whose
ProConnect SIRET is unknown asks for it (instead of a dead end), an operator approves or
refuses. Approval creates the organisation with the kinds asked and makes the requester
its administrator under the ProConnect identity they came with."""

import re
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.organisations.enums import MembershipRole, OrganisationKind
from passeport.organisations.models import (
    REGISTRATION_TRANSITIONS,
    Membership,
    Organisation,
    RegistrationRequest,
    RegistrationStatus,
    RegistrationTransition,
)
from passeport.organisations.siret import SiretError, validate_siret
from passeport.users.enums import UserKind
from passeport.users.models import User

from . import emails, journal
from .models import IdentityLink

NDA = re.compile(r"^[0-9]{11}$")
ID_CLIENT = re.compile(r"^[A-Z0-9]{8}$")


class RegistrationRefused(Exception):
    """Said to the person, in French, with the form field it concerns ("" for none)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


def requestable_kinds() -> list[tuple[str, str]]:
    """Every kind an organisation may have (each is an `is_<kind>` flag)."""
    return [
        (kind, label)
        for kind, label in OrganisationKind.choices
        if hasattr(Organisation, f"is_{kind}")
    ]


def _log(request, from_status: str, to_status: str, actor_label: str, note: str = "") -> None:
    RegistrationTransition.objects.create(
        request=request,
        from_status=from_status,
        to_status=to_status,
        actor_label=actor_label,
        note=note,
    )


def _move(request, to_status: str, actor_label: str, note: str = "") -> str:
    """Locks the request, checks the transition, saves the new status; returns the old."""
    locked = RegistrationRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in REGISTRATION_TRANSITIONS[RegistrationStatus(locked.status)]:
        raise RegistrationRefused("Cette demande a déjà été traitée.")
    request.status, request.decided_at = to_status, timezone.now()
    _log(request, locked.status, to_status, actor_label, note)
    return locked.status


def _check(siret: str, name: str, kinds: list[str], nda: str, id_client: str) -> None:
    try:
        validate_siret(siret)
    except SiretError as error:
        raise RegistrationRefused(str(error)) from error
    if Organisation.objects.filter(siret=siret).exists():
        raise RegistrationRefused(
            "Cette organisation est désormais connue du service : reconnectez-vous avec ProConnect."
        )
    if RegistrationRequest.objects.filter(siret=siret, status=RegistrationStatus.PENDING):
        raise RegistrationRefused(
            "Une demande d'inscription est déjà en cours pour ce SIRET : un agent du service "
            "l'examine, vous recevrez sa réponse par courriel."
        )
    if not name.strip():
        raise RegistrationRefused("Indiquez la raison sociale de l'organisation.", "name")
    known = {kind for kind, _ in requestable_kinds()}
    if not kinds or not set(kinds) <= known:
        raise RegistrationRefused("Cochez au moins un rôle de l'organisation.", "kinds")
    if OrganisationKind.TRAINING_PROVIDER in kinds and not NDA.match(nda):
        raise RegistrationRefused(
            "Un organisme de formation indique son numéro de déclaration d'activité (11 chiffres).",
            "nda_number",
        )
    if OrganisationKind.CERTIFIER in kinds:
        if not ID_CLIENT.match(id_client):
            raise RegistrationRefused(
                "Un certificateur indique l'idClient que la Caisse des Dépôts lui a attribué "
                "(8 lettres majuscules ou chiffres).",
                "certifier_id_client",
            )
        if Organisation.objects.filter(certifier_id_client=id_client).exists():
            raise RegistrationRefused(
                "Cet idClient est déjà attribué à une autre organisation.", "certifier_id_client"
            )


@transaction.atomic
def submit(identity: dict, *, name: str, kinds: list[str], nda_number: str = "",
           certifier_id_client: str = "", message: str = "") -> RegistrationRequest:  # fmt: skip
    """A request from the professional `identity` vouched for by ProConnect (provider,
    sub, email, given_name, usual_name, siret)."""
    siret = identity["siret"]
    nda_number, certifier_id_client = nda_number.strip(), certifier_id_client.strip().upper()
    _check(siret, name, kinds, nda_number, certifier_id_client)
    request = RegistrationRequest(
        siret=siret,
        name=name.strip()[:255],
        kinds=list(dict.fromkeys(kinds)),
        nda_number=nda_number if OrganisationKind.TRAINING_PROVIDER in kinds else "",
        certifier_id_client=certifier_id_client if OrganisationKind.CERTIFIER in kinds else "",
        message=message.strip(),
        provider=identity["provider"],
        sub=identity["sub"],
        email=identity["email"],
        first_name=identity.get("given_name", "")[:150],
        last_name=identity.get("usual_name", "")[:150],
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as error:  # another request for this SIRET, at the same moment
        raise RegistrationRefused(
            "Une demande d'inscription est déjà en cours pour ce SIRET."
        ) from error
    _log(request, "", RegistrationStatus.PENDING, f"Demandeur ({request.email})")
    emails.send_registration_received(request)
    return request


def _operator_label(operator) -> str:
    return f"Opérateur {operator.get_full_name() or operator.get_username()}"


@transaction.atomic
def approve(request: RegistrationRequest, *, operator) -> Organisation:
    """Creates the organisation with the kinds asked, and the requester's account (under
    the ProConnect identity they came with) as its administrator."""
    _move(request, RegistrationStatus.APPROVED, _operator_label(operator))
    if Organisation.objects.filter(siret=request.siret).exists():
        raise RegistrationRefused("Une organisation de ce SIRET a été inscrite entre-temps.")
    organisation = Organisation(
        siret=request.siret,
        name=request.name,
        nda_number=request.nda_number,
        certifier_id_client=request.certifier_id_client,
        **{f"is_{kind}": True for kind in request.kinds},
    )
    organisation.full_clean()
    organisation.save()
    request.organisation = organisation
    request.save(update_fields=["status", "decided_at", "organisation"])
    link = IdentityLink.objects.select_related("user").filter(
        provider=request.provider, sub=request.sub
    )
    user = link.first().user if link.exists() else None
    if user is None:
        user = User(
            username=f"pro-{uuid.uuid4()}",
            kind=UserKind.PROFESSIONAL,
            identity_provider=request.provider,
            first_name=request.first_name,
            last_name=request.last_name,
            email=request.email,
        )
        user.set_unusable_password()
        user.save()
        IdentityLink.objects.create(user=user, provider=request.provider, sub=request.sub)
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=MembershipRole.ADMIN
    )
    journal.log_membership_event("registration_approved", operator, membership)
    emails.send_registration_decided(request)
    return organisation


@transaction.atomic
def refuse(request: RegistrationRequest, *, operator, reason: str) -> RegistrationRequest:
    if not reason.strip():
        raise RegistrationRefused("Indiquez au demandeur le motif du refus.", "reason")
    _move(request, RegistrationStatus.REFUSED, _operator_label(operator), reason.strip())
    request.reason = reason.strip()
    request.save(update_fields=["status", "decided_at", "reason"])
    emails.send_registration_decided(request)
    return request
