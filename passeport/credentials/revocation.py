"""Revoking, suspending and reinstating issued credentials: the issuance's state and its
bit in the status list(s) change together, journaled."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from passeport.journal.actors import Actor

from . import statuslists
from .models import Issuance, IssuanceState, IssuedFormat
from .services import journal_issuance


def _set_state(issuance: Issuance, state: str, actor: Actor, reason: str) -> None:
    status_list = issuance.status_list
    if issuance.format == IssuedFormat.SD_JWT_VC:
        value = {
            IssuanceState.VALID: statuslists.TOKEN_VALID,
            IssuanceState.REVOKED: statuslists.TOKEN_INVALID,
            IssuanceState.SUSPENDED: statuslists.TOKEN_SUSPENDED,
        }[state]
        statuslists.set_value(status_list, issuance.status_index, value)
    else:
        revoked = state == IssuanceState.REVOKED
        suspended = state == IssuanceState.SUSPENDED
        statuslists.set_value(status_list, issuance.status_index, int(revoked))
        statuslists.set_value(status_list.twin, issuance.status_index, int(suspended))
    issuance.state, issuance.state_changed_at, issuance.state_reason = (
        state,
        timezone.now(),
        reason[:255],
    )
    issuance.save(update_fields=["state", "state_changed_at", "state_reason"])
    journal_issuance(f"credential.{state}", issuance, actor, reason=reason)


@transaction.atomic
def revoke(issuance: Issuance, *, actor: Actor, reason: str) -> bool:
    """Revokes for good (False when it already was)."""
    issuance = Issuance.objects.select_related("status_list__twin").get(pk=issuance.pk)
    if issuance.state == IssuanceState.REVOKED:
        return False
    _set_state(issuance, IssuanceState.REVOKED, actor, reason)
    return True


@transaction.atomic
def suspend(issuance: Issuance, *, actor: Actor, reason: str) -> bool:
    issuance = Issuance.objects.select_related("status_list__twin").get(pk=issuance.pk)
    if issuance.state != IssuanceState.VALID:
        return False
    _set_state(issuance, IssuanceState.SUSPENDED, actor, reason)
    return True


@transaction.atomic
def reinstate(issuance: Issuance, *, actor: Actor, reason: str) -> bool:
    """Lifts a suspension (a revocation is final)."""
    issuance = Issuance.objects.select_related("status_list__twin").get(pk=issuance.pk)
    if issuance.state != IssuanceState.SUSPENDED:
        return False
    _set_state(issuance, IssuanceState.VALID, actor, reason)
    return True


REVOKED_BY_RECORD = "L'entrée d'origine a été corrigée ou annulée"


@transaction.atomic
def revoke_for_record(record, *, actor: Actor | None = None, reason: str = "") -> int:
    """Revokes every credential issued from this version of `record`; returns how many."""
    return revoke_all(
        Issuance.objects.filter(
            record_type=record._meta.label,
            record_lineage=record.lineage,
            record_version=record.version,
        ),
        actor=actor or Actor.system("credentials"),
        reason=reason or REVOKED_BY_RECORD,
    )


@transaction.atomic
def revoke_all(issuances, *, actor: Actor, reason: str) -> int:
    """Revokes every valid or suspended issuance of the queryset; returns how many."""
    count = 0
    for issuance in issuances.select_related("status_list__twin").filter(
        state__in=[IssuanceState.VALID, IssuanceState.SUSPENDED]
    ):
        _set_state(issuance, IssuanceState.REVOKED, actor, reason)
        count += 1
    return count
