"""Cancellation of lines or whole declarations by their declarant: the passport entry is
cancelled (kept in history), the line keeps its `ID_UNIQUE_PARTENAIRE` for ever."""

from django.db import transaction

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.enums import RecordStatus
from passeport.records.models import PreventionTraining

from ..enums import LineStatus
from ..models import Declaration, DeclarationLine
from .corrections import locked_active_lines
from .errors import LifecycleError
from .history import event

# --- Cancellation -----------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("Le motif de l'annulation est obligatoire.")
    if len(reason) > 255:
        raise LifecycleError("Le motif de l'annulation dépasse 255 caractères.")
    return reason


def _cancel(lines, declaration, reason, actor) -> list[journal.Event]:
    events = []
    for line in lines:
        record = (
            PreventionTraining.objects.filter(person_id=line.person_id, lineage=line.lineage)
            .order_by("-version")
            .first()
        )
        if record is not None and record.status != RecordStatus.CANCELLED:
            records.cancel(record, actor=actor, reason=reason)
        line.status = LineStatus.CANCELLED
        line.save(update_fields=["status"])
        events.append(
            event(
                actor,
                "prevention.line_cancelled",
                line,
                {"reason": reason, "organisation": declaration.declarant.name},
            )
        )
    return events


@transaction.atomic
def cancel_line(line: DeclarationLine, *, reason: str, actor: Actor) -> DeclarationLine:
    """Cancels one trainee's line and its passport entry. Its ID_UNIQUE_PARTENAIRE stays
    taken."""
    reason = _check_reason(reason)
    declaration = Declaration.objects.select_for_update().get(pk=line.declaration_id)
    lines = locked_active_lines(declaration, only=line)
    if not lines:
        raise LifecycleError("Cette ligne est déjà annulée.")
    journal.append(_cancel(lines, declaration, reason, actor))
    return lines[0]


@transaction.atomic
def cancel_declaration(declaration: Declaration, *, reason: str, actor: Actor) -> int:
    """Cancels every active line of the declaration; returns how many."""
    reason = _check_reason(reason)
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    lines = locked_active_lines(declaration)
    if not lines:
        raise LifecycleError("Toutes les lignes de cette déclaration sont déjà annulées.")
    events = _cancel(lines, declaration, reason, actor)
    events.append(
        event(
            actor,
            "prevention.declaration_cancelled",
            declaration,
            {"reason": reason, "organisation": declaration.declarant.name, "lines": len(lines)},
        )
    )
    journal.append(events)
    return len(lines)


def is_cancelled(declaration: Declaration) -> bool:
    return not declaration.lines.filter(status=LineStatus.ACTIVE).exists()
