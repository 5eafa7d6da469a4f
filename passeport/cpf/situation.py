"""The holder's own declarations that change their rights (as the real service asks):
no qualification of level 3, recognised disabled worker. Journaled; they apply to the
years computed from then on (a year already computed is adjusted by the next run)."""

from django.db import transaction
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor

from .models import CpfAccount


@transaction.atomic
def declare_situation(
    account: CpfAccount, *, low_qualified: bool, disability: bool, actor: Actor
) -> bool:
    """Stores the holder's answers; True when something changed."""
    account = CpfAccount.objects.select_for_update().get(pk=account.pk)
    now = timezone.now()
    changed = []
    if account.low_qualified != low_qualified:
        account.low_qualified, account.low_qualified_declared_at = low_qualified, now
        changed += ["low_qualified", "low_qualified_declared_at"]
    if account.disability != disability:
        account.disability, account.disability_declared_at = disability, now
        changed += ["disability", "disability_declared_at"]
    if not changed:
        return False
    account.save(update_fields=changed)
    journal.log(
        journal.Event(
            actor,
            "cpf.situation_declared",
            "cpf.CpfAccount",
            str(account.public_id),
            account.person_id,
            payload={"low_qualified": low_qualified, "disability": disability},
            plain=True,
        )
    )
    return True
