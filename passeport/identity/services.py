"""From verified provider claims to a user of ours: holders matched to their person,
professionals to their organisations. Every refusal is an IdentityError with its French
message."""

import uuid

from django.db import transaction
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership, Organisation
from passeport.people.matching import MatchError, match_by_birth_identity
from passeport.people.models import Person
from passeport.people.services import PersonError, activate_cpf_account
from passeport.users.enums import PROVIDERS_BY_KIND, UserKind
from passeport.users.models import User

from . import journal
from .models import IdentityLink, Invitation
from .oidc.claims import HolderClaims, ProfessionalClaims
from .oidc.errors import IdentityError

TERMS_VERSION = "2026-11"


class NoMatchingHolder(IdentityError):
    code = "no_match"
    status = 403
    message = (
        "Nous n'avons retrouvé aucun dossier correspondant à l'identité transmise par "
        "FranceConnect (nom de naissance, prénoms, date, sexe et lieu de naissance)."
    )


class SeveralMatchingHolders(IdentityError):
    code = "several_matches"
    status = 403
    message = (
        "Plusieurs dossiers correspondent à l'identité transmise par FranceConnect : par "
        "sécurité, nous ne pouvons pas choisir à votre place."
    )


class TooYoung(IdentityError):
    code = "too_young"
    status = 403
    message = (
        "Le passeport est ouvert à partir de 15 ans : votre compte ne peut pas encore être activé."
    )


class AccountDisabled(IdentityError):
    code = "account_disabled"
    status = 403
    message = "Ce compte est désactivé. Contactez l'assistance du service."


class WrongProviderForKind(IdentityError):
    code = "wrong_provider_for_kind"
    status = 403
    message = "Ce compte ne peut pas se connecter par ce moyen d'identification."

    # What each kind of account is told, from PROVIDERS_BY_KIND: the way in that is theirs.
    MESSAGES = {
        UserKind.HOLDER: (
            "Ce compte est celui d'un titulaire de passeport : il se connecte avec "
            "FranceConnect, depuis la rubrique « Vous êtes titulaire d'un passeport ». "
            "ProConnect est réservé aux professionnels agissant pour une organisation, avec "
            "leur adresse électronique professionnelle."
        ),
        UserKind.PROFESSIONAL: (
            "Ce compte est celui d'un professionnel : il se connecte avec ProConnect, depuis "
            "la rubrique « Vous agissez pour une organisation ». FranceConnect est réservé "
            "aux titulaires de passeport."
        ),
        UserKind.OPERATOR: (
            "Ce compte est celui d'un opérateur du service : il se connecte par la page "
            "d'administration, avec son identifiant et son mot de passe."
        ),
    }

    @classmethod
    def for_kind(cls, kind: str, provider: str) -> "WrongProviderForKind":
        return cls(f"{kind} through {provider}", message=cls.MESSAGES.get(kind))


class UnknownOrganisation(IdentityError):
    code = "unknown_organisation"
    status = 403
    message = (
        "L'organisation rattachée à votre compte ProConnect (SIRET transmis) n'est pas connue "
        "de ce service : seules les organisations déjà enregistrées (employeurs déclarant en "
        "DSN, organismes de formation, certificateurs, financeurs) peuvent y accéder."
    )


class NotInvited(IdentityError):
    code = "not_invited"
    status = 403
    message = (
        "Votre organisation utilise déjà ce service : demandez à l'un de ses administrateurs "
        "de vous inviter avec votre adresse électronique professionnelle, puis reconnectez-vous."
    )


MATCH_ERRORS = {"no_match": NoMatchingHolder, "several_matches": SeveralMatchingHolders}


def _check_user(user, provider: str) -> None:
    if not user.is_active:
        raise AccountDisabled(f"user {user.public_id} inactive")
    if provider not in PROVIDERS_BY_KIND.get(user.kind, set()):
        raise WrongProviderForKind.for_kind(user.kind, provider)


# --- Holders ------------------------------------------------------------------------------


def resolve_holder(provider: str, claims: HolderClaims) -> tuple[User | None, Person | None]:
    """(user, None) when the holder can log in now; (None, person) when this is their
    first login and they must accept the conditions of use first."""
    link = IdentityLink.objects.select_related("user").filter(provider=provider, sub=claims.sub)
    if link := link.first():
        _check_user(link.user, provider)
        link.last_login_at = timezone.now()
        link.save(update_fields=["last_login_at"])
        return link.user, None
    try:
        person = match_by_birth_identity(claims.birth_identity())
    except MatchError as error:
        raise MATCH_ERRORS.get(error.code, NoMatchingHolder)(error.code) from error
    if not person.is_old_enough(timezone.localdate()):
        raise TooYoung("under the minimum age")
    user = User.objects.filter(person=person).first()
    if user is not None:
        _check_user(user, provider)
        IdentityLink.objects.create(
            user=user, provider=provider, sub=claims.sub, last_login_at=timezone.now()
        )
        return user, None
    return None, person


@transaction.atomic
def complete_first_login(person: Person, provider: str, sub: str) -> User:
    """After consent to the conditions of use: the holder's user, their link to the
    provider account, and their CPF account activated (refused under 15)."""
    user = User(
        username=f"holder-{uuid.uuid4()}",
        kind=UserKind.HOLDER,
        identity_provider=provider,
        person=person,
        first_name=person.first_names.split(" ")[0].title(),
        last_name=(person.usage_name or person.birth_name).title(),
        email=person.email,
    )
    user.set_unusable_password()
    user.save()
    IdentityLink.objects.create(user=user, provider=provider, sub=sub, last_login_at=timezone.now())
    try:
        activate_cpf_account(person, actor=Actor.for_user(user))
    except PersonError as error:
        raise TooYoung("activation refused", message=error.message) from error
    journal.log_terms_accepted(user, TERMS_VERSION)
    return user


# --- Professionals ------------------------------------------------------------------------


@transaction.atomic
def resolve_professional(provider: str, claims: ProfessionalClaims) -> User:
    """The professional's user, with the memberships their SIRET and invitations give.

    The first person of a known organisation becomes its administrator; later ones need
    an invitation. An unknown organisation is refused (we never create one from a claim).
    """
    link = IdentityLink.objects.select_related("user").filter(provider=provider, sub=claims.sub)
    link = link.first()
    if link:
        user = link.user
        _check_user(user, provider)
    else:
        # An account of another kind under this address (a holder, an operator) does not
        # get a professional twin through ProConnect: it is told its own way in.
        other = (
            User.objects.filter(email__iexact=claims.email)
            .exclude(kind=UserKind.PROFESSIONAL)
            .order_by("pk")
            .first()
        )
        if other is not None and provider not in PROVIDERS_BY_KIND.get(other.kind, set()):
            raise WrongProviderForKind.for_kind(other.kind, provider)
        user = User(
            username=f"pro-{uuid.uuid4()}", kind=UserKind.PROFESSIONAL, identity_provider=provider
        )
        user.set_unusable_password()
    user.first_name = claims.given_name[:150]
    user.last_name = claims.usual_name[:150]
    user.email = claims.email
    user.save()
    if link:
        link.last_login_at = timezone.now()
        link.save(update_fields=["last_login_at"])
    else:
        IdentityLink.objects.create(
            user=user, provider=provider, sub=claims.sub, last_login_at=timezone.now()
        )

    for invitation in (
        Invitation.objects.pending()
        .select_related("organisation")
        .filter(email__iexact=claims.email)
    ):
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role, "invited_by": invitation.invited_by},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if created:
            journal.log_membership_event("invitation_accepted", user, membership)

    organisation = Organisation.objects.filter(siret=claims.siret).first()
    if organisation is not None and not user.memberships.filter(organisation=organisation):
        # Locked so that two first logins at once do not make two administrators.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if not organisation.memberships.exists():
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=MembershipRole.ADMIN
            )
            journal.log_membership_event("first_administrator", user, membership)

    if not user.memberships.exists():
        # Nothing to give: undo the account (the transaction rolls back) and explain.
        if organisation is None:
            raise UnknownOrganisation("siret unknown")
        raise NotInvited("organisation managed by others")
    return user
