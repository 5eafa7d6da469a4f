"""Grants of access to counselling organisations, as an explicit state machine.

    (new) ──holder──▶ active ──holder──▶ revoked
                         └────system───▶ expired   (its last day has passed)

Each transition names who may trigger it (`TRANSITIONS`), is logged as a
`GrantTransition` and journaled on the holder. `expire_due` (command
`expire_orientation_grants`, daily) moves the grants past their end; reads never wait for
it: `CounsellingGrant.is_effective` checks the dates each time. Every read of the
holder's data by a counsellor is journaled (`log_read`) and shown in the holder's access
log.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.journal.actors import Actor, ActorKind
from passeport.journal.services import Event, append, log, log_person_data_read
from passeport.users.enums import UserKind

from .enums import GrantScope, GrantStatus
from .models import CounsellingGrant, GrantTransition

# (from, to) → the kinds of actors who may trigger it.
TRANSITIONS = {
    ("", GrantStatus.ACTIVE): {ActorKind.HOLDER},
    (GrantStatus.ACTIVE, GrantStatus.REVOKED): {ActorKind.HOLDER},
    (GrantStatus.ACTIVE, GrantStatus.EXPIRED): {ActorKind.SYSTEM},
}
SYSTEM = Actor.system("expire_orientation_grants")


class GrantError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def default_days() -> int:
    return getattr(settings, "ORIENTATION_GRANT_DEFAULT_DAYS", 90)


def max_days() -> int:
    return getattr(settings, "ORIENTATION_GRANT_MAX_DAYS", 365)


def _check(from_status: str, to_status: str, actor: Actor) -> None:
    allowed = TRANSITIONS.get((from_status, to_status))
    if allowed is None:
        label = GrantStatus(from_status).label if from_status else "nouveau"
        raise GrantError(
            f"Un accès « {label} » ne peut pas devenir « {GrantStatus(to_status).label} »."
        )
    if actor.kind not in allowed:
        raise GrantError("Vous ne pouvez pas faire ce changement.")


def _event(grant, to_status, actor, reason) -> Event:
    return Event(
        actor,
        f"orientation.grant_{to_status}",
        "orientation.CounsellingGrant",
        str(grant.public_id),
        grant.person_id,
        payload={
            "organisation": grant.organisation.name,
            "siret": grant.organisation.siret,
            "scopes": ",".join(grant.scopes),
            "ends_on": grant.ends_on.isoformat(),
            "reason": reason,
        },
    )


@transaction.atomic
def grant_access(
    person, organisation, *, scopes, ends_on, actor: Actor, today=None, purpose=""
) -> CounsellingGrant:
    today = today or timezone.localdate()
    scopes = [scope for scope in GrantScope.values if scope in set(scopes)]
    if not organisation.is_counselling:
        raise GrantError("Cette organisation n'est pas un service d'accompagnement.")
    if not scopes:
        raise GrantError("Choisissez au moins une partie de votre passeport à partager.")
    if ends_on < today:
        raise GrantError("La fin de l'accès ne peut pas être passée.")
    if ends_on > today + datetime.timedelta(days=max_days()):
        raise GrantError(
            f"Un accès dure au plus {max_days()} jours : choisissez une date plus proche."
        )
    _check("", GrantStatus.ACTIVE, actor)
    try:
        with transaction.atomic():
            grant = CounsellingGrant.objects.create(
                person=person,
                organisation=organisation,
                scopes=scopes,
                purpose=purpose.strip()[:255],
                starts_on=today,
                ends_on=ends_on,
                status_changed_at=timezone.now(),
            )
    except IntegrityError as error:
        raise GrantError(
            f"Un accès est déjà en cours pour {organisation.name} : révoquez-le d'abord pour "
            "en accorder un autre."
        ) from error
    GrantTransition.objects.create(
        grant=grant, to_status=GrantStatus.ACTIVE, actor_kind=actor.kind, actor_label=actor.label
    )
    log(_event(grant, GrantStatus.ACTIVE, actor, ""))
    return grant


@transaction.atomic
def transition(grant, to_status: str, *, actor: Actor, reason: str = "") -> CounsellingGrant:
    grant = (
        CounsellingGrant.objects.select_for_update().select_related("organisation").get(pk=grant.pk)
    )
    _check(grant.status, to_status, actor)
    previous = grant.status
    grant.status = to_status
    grant.status_changed_at = timezone.now()
    grant.save(update_fields=["status", "status_changed_at"])
    GrantTransition.objects.create(
        grant=grant,
        from_status=previous,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_label=actor.label,
        reason=reason[:255],
    )
    log(_event(grant, to_status, actor, reason))
    return grant


def revoke(grant, *, actor: Actor, reason: str = "") -> CounsellingGrant:
    return transition(
        grant, GrantStatus.REVOKED, actor=actor, reason=reason or "Révoqué par le titulaire."
    )


def due(today: datetime.date):
    return CounsellingGrant.objects.filter(status=GrantStatus.ACTIVE, ends_on__lt=today)


@transaction.atomic
def expire_due(today: datetime.date | None = None) -> int:
    """Active grants whose last day has passed become expired. Idempotent: a second run
    (or a concurrent one, which waits for the row locks) finds nothing left to do."""
    today = today or timezone.localdate()
    grants = list(due(today).select_for_update().select_related("organisation").order_by("pk"))
    if not grants:
        return 0
    now = timezone.now()
    reason = f"Dernier jour de l'accès passé (tâche du {today:%d/%m/%Y})."
    for grant in grants:
        _check(grant.status, GrantStatus.EXPIRED, SYSTEM)
        grant.status = GrantStatus.EXPIRED
        grant.status_changed_at = now
    CounsellingGrant.objects.bulk_update(grants, ["status", "status_changed_at"])
    GrantTransition.objects.bulk_create(
        GrantTransition(
            grant=grant,
            from_status=GrantStatus.ACTIVE,
            to_status=GrantStatus.EXPIRED,
            actor_kind=SYSTEM.kind,
            actor_label=SYSTEM.label,
            reason=reason,
        )
        for grant in grants
    )
    append(_event(grant, GrantStatus.EXPIRED, SYSTEM, reason) for grant in grants)
    return len(grants)


def _member(user, organisation) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.kind == UserKind.PROFESSIONAL
        and organisation.is_counselling
        and user.memberships.filter(organisation=organisation).exists()
    )


def can_counsel(user, organisation) -> bool:
    """Members of a counselling organisation see its list of grants (no holder data)."""
    return _member(user, organisation)


def can_read_grant(user, grant, today: datetime.date | None = None) -> bool:
    """A member of the grant's organisation, while the grant is in force."""
    return grant.is_effective(today or timezone.localdate()) and _member(user, grant.organisation)


def log_read(grant, actor: Actor, what: str):
    """Journals a counsellor's read of the holder's data (shown in their access log)."""
    return log_person_data_read(
        grant.person, actor, f"{grant.organisation.name} (accompagnement) : {what}"
    )
