"""The transition log of declarations and lines: every lifecycle event is a journal entry
on the line (`object_type="prevention.DeclarationLine"`) or the declaration, with the
reason, the employer's message and the acting organisation's name in its payload; the
histories shown to the declarant, the employer and the holder are read back from it."""

import dataclasses
import datetime

from django.db.models import Q

from passeport.journal import services as journal
from passeport.journal.models import JournalEntry

from ..models import DeclarationLine

LINE_OBJECT = "prevention.DeclarationLine"
DECLARATION_OBJECT = "prevention.Declaration"


def event(actor, action, line_or_declaration, payload) -> journal.Event:
    if isinstance(line_or_declaration, DeclarationLine):
        return journal.Event(
            actor,
            action,
            LINE_OBJECT,
            str(line_or_declaration.public_id),
            line_or_declaration.person_id,
            payload=payload,
        )
    return journal.Event(
        actor, action, DECLARATION_OBJECT, str(line_or_declaration.public_id), payload=payload
    )


# --- Histories --------------------------------------------------------------------------

ACTION_LABELS = {
    "prevention.line_corrected": "Ligne corrigée",
    "prevention.line_cancelled": "Ligne annulée",
    "prevention.declaration_corrected": "Formation corrigée (toutes les lignes)",
    "prevention.declaration_cancelled": "Déclaration annulée",
    "prevention.review_confirmed": "Confirmée par l'employeur",
    "prevention.review_correction_requested": "Correction demandée par l'employeur",
    "prevention.review_deemed_verified": "Réputée vérifiée (délai de vérification écoulé)",
}


@dataclasses.dataclass
class HistoryItem:
    at: datetime.datetime
    action: str
    label: str
    organisation: str  # who acted, as an organisation (what the holder reads)
    actor: str  # who acted, the member's name too (what professionals read)
    reason: str
    message: str
    line_id: str


def history(*, lines=(), declarations=()) -> list[HistoryItem]:
    """The journaled life of lines and declarations, oldest first."""
    condition = Q(pk__in=[])
    line_ids = [str(line.public_id) for line in lines]
    declaration_ids = [str(d.public_id) for d in declarations]
    if line_ids:
        condition |= Q(object_type=LINE_OBJECT, object_id__in=line_ids)
    if declaration_ids:
        condition |= Q(object_type=DECLARATION_OBJECT, object_id__in=declaration_ids)
    items = []
    for entry in JournalEntry.objects.filter(condition, action__in=list(ACTION_LABELS)).order_by(
        "seq"
    ):
        payload = entry.payload or {}
        organisation = payload.get("organisation") or "Le service (délai écoulé)"
        items.append(
            HistoryItem(
                at=entry.occurred_at,
                action=entry.action,
                label=ACTION_LABELS[entry.action],
                organisation=organisation,
                actor=entry.actor_label,
                reason=payload.get("reason", ""),
                message=payload.get("message", ""),
                line_id=entry.object_id if entry.object_type == LINE_OBJECT else "",
            )
        )
    return items


def correction_messages(lines) -> dict[str, HistoryItem]:
    """The employer's latest correction request per line public id (as text)."""
    latest = {}
    for item in history(lines=lines):
        if item.action == "prevention.review_correction_requested":
            latest[item.line_id] = item
    return latest
