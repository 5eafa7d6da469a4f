"""Correcting or cancelling a record revokes what was issued from it.

`records.services.revise` and `cancel` save the old version with `update_fields`
including "status" (superseded or cancelled), in their transaction: this receiver
revokes in the same transaction, so a rollback keeps the credentials valid. The records
app does not know about credentials (data flows one way)."""

from django.db.models.signals import post_save

from passeport.records.enums import RecordStatus

from .claims import KIND_BY_MODEL

WITHDRAWN = (RecordStatus.SUPERSEDED, RecordStatus.CANCELLED)


def revoke_on_withdrawal(sender, instance, created, update_fields=None, **kwargs):
    if created or instance.status not in WITHDRAWN:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    from .revocation import REVOKED_BY_RECORD, revoke_for_record

    label = "corrigée" if instance.status == RecordStatus.SUPERSEDED else "annulée"
    reason = f"{REVOKED_BY_RECORD} ({label}"
    reason += f" : {instance.status_reason})" if instance.status_reason else ")"
    revoke_for_record(instance, reason=reason)


def connect():
    for model in KIND_BY_MODEL:
        post_save.connect(
            revoke_on_withdrawal, sender=model, dispatch_uid=f"credentials.revoke.{model.__name__}"
        )
