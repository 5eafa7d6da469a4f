"""The life of a prevention declaration after it is made: corrections and cancellation
by the declarant, the employer's verification of a provider's declaration, and the
employer's "reprise".

Unlike the real service, a declaration can be **corrected** and **cancelled**:

- a correction of one line (its trainee block) or of the declaration's training block
  (applied to all its active lines) is checked by the very rules of a new declaration
  (`rules.Rules`, the line rebuilt in the official columns), then each affected passport
  entry becomes a new version through `records.services.revise` (reason mandatory); the
  `DeclarationLine` / `Declaration` rows take the corrected values (their digest too, so
  that sending the old line again is a double declaration, sending the corrected one
  "already declared");
- a cancellation goes through `records.services.cancel`; the line keeps its
  `ID_UNIQUE_PARTENAIRE` for ever (re-using it stays a double declaration).

Verification (décret 2025-748): when a provider declares with `PRESENCE_EMPLOYEUR=OUI`,
the named employer may **confirm** the line or **ask for a correction** until the line's
`review_deadline` (6 months after the end of the quarter, `deadlines.review_before`);
a pending line whose deadline has passed is **deemed verified**. The daily command
`settle_prevention_reviews` stores that state, and `effective_review_status` computes
it on display, so a late cron never shows a stale state. Rules we chose where the text
is silent:

- a correction of a line under review puts it back to "pending" (the employer verifies
  the new version), with the deadline of the corrected dates; after that deadline the
  corrected line is deemed verified like any other;
- a line whose employer asked for a correction is not deemed verified by silence: the
  provider must answer by correcting (or cancelling) it, and the employer may still
  confirm it;
- an employer may confirm a line on which it asked for a correction, and ask for a
  correction of a line it confirmed, until the deadline.

The employer's messages and every transition are journaled on the line
(`object_type="prevention.DeclarationLine"`, the line's public id): the journal is the
line's transition log, append-only, and the source of the histories shown to the
declarant, the employer and the holder.

**Reprise**: if the provider has not declared within its deadline (3 months after the
quarter, plus the transitional extension), the employer may declare the training itself,
from `deadlines.reprise_from` until its own deadline (`deadlines.declare_before` for an
employer). Rule chosen: the employer's declaration (`DeclarantRole.EMPLOYER`, through any
channel) is accepted as it is, and stays valid **even if the provider later declares the
same training**: both entries are kept, each with its declarant, and
`provider_duplicates` shows the provider's declaration next to the employer's so that
the employer may cancel its own if it wishes; nothing is merged or removed
automatically (a guaranteed entry is never dropped on a guess).
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.organisations.enums import MembershipRole
from passeport.records import services as records
from passeport.records.enums import RecordStatus
from passeport.records.models import PreventionTraining
from passeport.users.enums import UserKind

from . import deadlines
from .enums import Channel, DeclarantRole, DeclarationKind, LineStatus, ReviewStatus
from .models import Declaration, DeclarationLine
from .rules import COLUMNS, TRAINING_COLUMNS, LineError
from .services import Declarer

LINE_OBJECT = "prevention.DeclarationLine"
DECLARATION_OBJECT = "prevention.Declaration"

# What a correction may change. The trainee's identity (NIR, person) and the official
# identifiers are not corrections: a wrong trainee is a cancelled line and a new one.
LINE_COLUMNS = (
    "NOM_TITULAIRE",
    "PRESENCE_EMPLOYEUR",
    "SIRET_EMPLOYEUR",
    "REFERENCE_EMPLOYEUR",
    "DATE_DEBUT_VALIDITE",
    "DATE_FIN_VALIDITE",
    "RESULTAT_OBTENU",
    "MENTION_OBTENUE",
    "LIEN_PREUVE",
    "IDENTIFIANT_PREUVE",
)
# The record fields a correction may change (`services.Declarer._record` builds them).
RECORD_CONTENT_FIELDS = (
    "declaration_kind",
    "title",
    "provider_name",
    "employer_siret",
    "start_date",
    "end_date",
    "valid_from",
    "valid_until",
    "transferable_skills",
    "certification_code",
    "jdr_type",
    "result",
    "training_kind",
    "modality",
    "mention",
    "proof_url",
    "proof_id",
)
REVIEWABLE = (ReviewStatus.PENDING, ReviewStatus.CONFIRMED, ReviewStatus.CORRECTION_REQUESTED)


class LifecycleError(ValueError):
    """A refused change, with its French message and, for a correction that breaks a
    rule, the errors per official column."""

    def __init__(self, message: str, errors: list[LineError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


# --- Who may do what --------------------------------------------------------------------


def _member_role(user, organisation) -> str | None:
    if not (
        user
        and user.is_authenticated
        and user.is_active
        and user.kind == UserKind.PROFESSIONAL
        and organisation is not None
    ):
        return None
    membership = user.memberships.filter(organisation=organisation).first()
    return membership.role if membership else None


def can_manage_declarations(user, organisation) -> bool:
    """Members of the declarant organisation (any role) correct and cancel its
    declarations, as they declare them."""
    return _member_role(user, organisation) in (MembershipRole.ADMIN, MembershipRole.MEMBER)


def can_review_line(user, line: DeclarationLine) -> bool:
    """Members of the employer named on the line, never the declarant's (a provider that
    is also the employer does not verify itself: such a line is not under review)."""
    return (
        line.review_status != ReviewStatus.NOT_APPLICABLE
        and line.employer_id is not None
        and line.employer_id != line.declarant_id
        and _member_role(user, line.employer) is not None
    )


def member_actor(user, organisation) -> Actor:
    """A member acting for an organisation: the journal keeps both names; the holder is
    shown the organisation's (see `history`)."""
    actor = Actor.for_user(user)
    return Actor(actor.kind, actor.identifier, f"{actor.label}, {organisation.name}")


# --- Review states ----------------------------------------------------------------------


def effective_review_status(line: DeclarationLine, today: datetime.date | None = None) -> str:
    """The review state as of `today`: a pending line past its deadline is deemed
    verified even before the daily command has stored it."""
    today = today or timezone.localdate()
    if (
        line.review_status == ReviewStatus.PENDING
        and line.review_deadline is not None
        and line.review_deadline < today
    ):
        return ReviewStatus.DEEMED_VERIFIED
    return line.review_status


def review_open(line: DeclarationLine, today: datetime.date | None = None) -> bool:
    """The employer may still confirm or ask for a correction."""
    today = today or timezone.localdate()
    return (
        line.status == LineStatus.ACTIVE
        and line.review_status in REVIEWABLE
        and line.review_deadline is not None
        and today <= line.review_deadline
    )


def effective_review_q(status: str, today: datetime.date) -> Q:
    """A filter on `DeclarationLine` for an effective review status (see
    `effective_review_status`)."""
    if status == ReviewStatus.PENDING:
        return Q(review_status=ReviewStatus.PENDING, review_deadline__gte=today)
    if status == ReviewStatus.DEEMED_VERIFIED:
        return Q(review_status=ReviewStatus.DEEMED_VERIFIED) | Q(
            review_status=ReviewStatus.PENDING, review_deadline__lt=today
        )
    return Q(review_status=status)


# --- Rebuilding a line in the official columns -----------------------------------------


def _declaration_values(declaration: Declaration) -> dict:
    return {
        "ID_DECLARATION": declaration.declaration_id,
        "REFERENCE_DECLARATION": declaration.reference,
        "NOM_FORMATION": declaration.title,
        "DATE_DEBUT_FORMATION": declaration.start_date,
        "DATE_FIN_FORMATION": declaration.end_date,
        "MODALITE_DISPENSE": declaration.modality,
        "COMPETENCE_TRANSFERABLE": declaration.transferable_skills,
        "QUALIFICATION_FORMATEUR": declaration.trainer_qualifications,
        "FORMATION_CERTIFIANTE": declaration.certifying,
        "CERTIFICATION_VISEE": declaration.certification_code,
        "DOMAINE_FORMATION": declaration.formacodes,
        "SPECIALITE_FORMATION": declaration.nsf_codes,
        "TYPE_JDR": declaration.jdr_type,
        "NOM_JDR": declaration.jdr_name,
        "NOM_OPTION_SPECIALITE": declaration.option_speciality,
        "MODE_OBTENTION": declaration.award_mode,
        "PRESENCE_FORMATION": declaration.training_present,
    }


def _line_values(line: DeclarationLine) -> dict:
    return {
        "ID_UNIQUE_PARTENAIRE": line.partner_unique_id,
        # Only in memory, to run the matching rules again; never shown nor logged.
        "NIR": line.person.reveal_nir()[:13],
        "NOM_TITULAIRE": line.birth_name,
        "PRESENCE_EMPLOYEUR": line.employer_present,
        "SIRET_EMPLOYEUR": line.employer_siret,
        "REFERENCE_EMPLOYEUR": line.employer_reference,
        "DATE_DEBUT_VALIDITE": line.valid_from,
        "DATE_FIN_VALIDITE": line.valid_until,
        "RESULTAT_OBTENU": line.result,
        "MENTION_OBTENUE": line.mention,
        "LIEN_PREUVE": line.proof_url,
        "IDENTIFIANT_PREUVE": line.proof_id,
    }


def current_values(declaration: Declaration, line: DeclarationLine | None = None) -> dict:
    """The declaration (and line) as official column → value, to prefill a correction
    form. Without the NIR."""
    values = _declaration_values(declaration)
    if line is not None:
        values.update(_line_values(line))
        del values["NIR"]
    return values


def _current_record(line: DeclarationLine) -> PreventionTraining:
    record = (
        PreventionTraining.objects.filter(person_id=line.person_id, lineage=line.lineage)
        .order_by("-version")
        .first()
    )
    if record is None or record.status not in (RecordStatus.ACTIVE, RecordStatus.EXPIRED):
        raise LifecycleError(
            f"L'entrée du passeport de la ligne « {line.partner_unique_id} » n'est plus en "
            "vigueur : elle ne peut plus être corrigée."
        )
    return record


def _event(actor, action, line_or_declaration, payload) -> journal.Event:
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


# --- Corrections ------------------------------------------------------------------------


@dataclasses.dataclass
class Correction:
    declaration: Declaration
    lines: list[DeclarationLine]
    records: list[PreventionTraining]


def _check_changes(changes: dict, allowed, kind: str) -> dict:
    columns = set(COLUMNS[kind])
    unknown = [c for c in changes if c not in allowed or c not in columns]
    if unknown:
        raise LifecycleError(
            f"Ces colonnes ne se corrigent pas ici : {', '.join(sorted(unknown))}. Le titulaire "
            "et les identifiants d'une ligne ne changent pas : annulez la ligne et déclarez-la "
            "à nouveau sous un nouvel ID_UNIQUE_PARTENAIRE."
        )
    return changes


def _locked_active_lines(declaration, only: DeclarationLine | None = None):
    lines = DeclarationLine.objects.select_for_update(of=("self",)).filter(
        declaration=declaration, status=LineStatus.ACTIVE
    )
    if only is not None:
        lines = lines.filter(pk=only.pk)
    # The person is read for the rules' matching; the employer for the review.
    return list(lines.select_related("person").order_by("pk"))


def _apply(
    declaration: Declaration,
    lines: list[DeclarationLine],
    changes: dict,
    *,
    reason: str,
    actor: Actor,
    training_changed: bool,
) -> Correction:
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("Le motif de la correction est obligatoire.")
    if len(reason) > 255:
        raise LifecycleError("Le motif de la correction dépasse 255 caractères.")
    if not lines:
        raise LifecycleError("Aucune ligne en vigueur à corriger dans cette déclaration.")
    declarer = Declarer(
        declaration.kind,
        declaration.declarant,
        declaration.declarant_role,
        Channel(declaration.channel),
        actor=actor,
    )
    base = _declaration_values(declaration)
    rows = []
    for number, line in enumerate(lines, start=1):
        values = {**base, **_line_values(line), **changes}
        rows.append((number, declarer.rules.row_from_mapping(values)))
    outcomes = declarer.rules.check(rows)
    errors = [error for outcome in outcomes for error in outcome.errors]
    if errors:
        # One line's errors name its ID_UNIQUE_PARTENAIRE when several lines are corrected.
        if len(lines) > 1:
            errors = [
                LineError(e.column, f"Ligne « {o.partner_unique_id} » : {e.message}")
                for o in outcomes
                for e in o.errors
            ]
        # Deduplicated: a training block error repeats on every line.
        unique = list(dict.fromkeys(errors))
        raise LifecycleError("La correction ne respecte pas les règles de déclaration.", unique)

    now = timezone.now()
    today = timezone.localdate(now)
    checked_lines = [outcome.checked for outcome in outcomes]
    targets = []
    for line, checked in zip(lines, checked_lines, strict=True):
        record = _current_record(line)
        built = declarer.record_for(checked, records.Provenance(record.source_kind, now), 0)
        record_changes = {
            name: getattr(built, name)
            for name in RECORD_CONTENT_FIELDS
            if getattr(built, name) != getattr(record, name)
        }
        targets.append((line, checked, record, record_changes))
    if not any(record_changes for _, _, _, record_changes in targets) and not any(
        checked.digest() != line.row_digest for line, checked, _, _ in targets
    ):
        raise LifecycleError("Rien n'a changé : la déclaration est déjà ainsi.")

    if training_changed:
        for name, value in checked_lines[0].training.model_fields().items():
            setattr(declaration, name, value)
    new_records = []
    events = []
    for line, checked, record, record_changes in targets:
        if record_changes:
            provenance = records.Provenance(
                record.source_kind,
                now,
                declarant=declaration.declarant,
                reference=record.source_reference,
            )
            record = records.revise(
                record, actor=actor, reason=reason, provenance=provenance, **record_changes
            )
        new_records.append(record)
        line.birth_name = checked.birth_name
        line.employer_present = checked.employer_present
        line.employer_siret = checked.employer_siret
        line.employer_reference = checked.employer_reference
        line.employer = checked.employer
        line.valid_from, line.valid_until = checked.valid_from, checked.valid_until
        line.result, line.mention = checked.result, checked.mention
        line.proof_url, line.proof_id = checked.proof_url, checked.proof_id
        line.row_digest = checked.digest()
        previous_review = line.review_status
        reviewed = declaration.declarant_role == DeclarantRole.PROVIDER and line.employer_present
        if reviewed:
            line.review_status = ReviewStatus.PENDING
            line.review_deadline = deadlines.review_before(checked.deadline_from)
            if previous_review != ReviewStatus.PENDING:
                line.reviewed_by, line.reviewed_at = None, None
        else:
            line.review_status, line.review_deadline = ReviewStatus.NOT_APPLICABLE, None
            line.reviewed_by, line.reviewed_at = None, None
        line.save(
            update_fields=[
                "birth_name",
                "employer_present",
                "employer_siret",
                "employer_reference",
                "employer",
                "valid_from",
                "valid_until",
                "result",
                "mention",
                "proof_url",
                "proof_id",
                "row_digest",
                "review_status",
                "review_deadline",
                "reviewed_by",
                "reviewed_at",
            ]
        )
        events.append(
            _event(
                actor,
                "prevention.line_corrected",
                line,
                {
                    "reason": reason,
                    "organisation": declaration.declarant.name,
                    "version": record.version,
                    "review_status": line.review_status,
                    "previous_review_status": previous_review,
                },
            )
        )
    _refresh_deadline(declaration, today)
    if training_changed:
        events.append(
            _event(
                actor,
                "prevention.declaration_corrected",
                declaration,
                {
                    "reason": reason,
                    "organisation": declaration.declarant.name,
                    "lines": len(lines),
                },
            )
        )
    journal.append(events)
    return Correction(declaration, lines, new_records)


def _refresh_deadline(declaration: Declaration, today: datetime.date) -> None:
    """Deadlines follow corrected dates: the end of training (ADF) or the earliest
    validity start of the active lines (JDR)."""
    if declaration.kind == DeclarationKind.ADF:
        deadline_from = declaration.end_date
    else:
        starts = list(
            DeclarationLine.objects.filter(
                declaration=declaration, status=LineStatus.ACTIVE
            ).values_list("valid_from", flat=True)
        )
        deadline_from = min(starts) if starts else declaration.deadline_from
    declaration.deadline_from = deadline_from
    declaration.declare_before = deadlines.declare_before(declaration.declarant_role, deadline_from)
    declaration.late = timezone.localdate(declaration.created_at) > declaration.declare_before
    declaration.save()
    lines = DeclarationLine.objects.filter(declaration=declaration)
    lines.filter(created_at__date__gt=declaration.declare_before, late=False).update(late=True)
    lines.filter(created_at__date__lte=declaration.declare_before, late=True).update(late=False)


@transaction.atomic
def correct_line(line: DeclarationLine, *, changes: dict, reason: str, actor: Actor) -> Correction:
    """Corrects one trainee's block (`changes`: official column → value, among
    `LINE_COLUMNS`)."""
    declaration = Declaration.objects.select_for_update().get(pk=line.declaration_id)
    _check_changes(changes, LINE_COLUMNS, declaration.kind)
    lines = _locked_active_lines(declaration, only=line)
    if not lines:
        raise LifecycleError("Cette ligne est annulée : elle ne peut plus être corrigée.")
    return _apply(declaration, lines, changes, reason=reason, actor=actor, training_changed=False)


@transaction.atomic
def correct_declaration(
    declaration: Declaration, *, changes: dict, reason: str, actor: Actor
) -> Correction:
    """Corrects the training block (`changes` among `TRAINING_COLUMNS`): every active
    line's entry becomes a new version."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    _check_changes(changes, TRAINING_COLUMNS, declaration.kind)
    lines = _locked_active_lines(declaration)
    return _apply(declaration, lines, changes, reason=reason, actor=actor, training_changed=True)


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
            _event(
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
    lines = _locked_active_lines(declaration, only=line)
    if not lines:
        raise LifecycleError("Cette ligne est déjà annulée.")
    journal.append(_cancel(lines, declaration, reason, actor))
    return lines[0]


@transaction.atomic
def cancel_declaration(declaration: Declaration, *, reason: str, actor: Actor) -> int:
    """Cancels every active line of the declaration; returns how many."""
    reason = _check_reason(reason)
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    lines = _locked_active_lines(declaration)
    if not lines:
        raise LifecycleError("Toutes les lignes de cette déclaration sont déjà annulées.")
    events = _cancel(lines, declaration, reason, actor)
    events.append(
        _event(
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


# --- The employer's verification -------------------------------------------------------


def _locked_for_review(line, organisation, today) -> DeclarationLine:
    line = (
        DeclarationLine.objects.select_for_update(of=("self",))
        .select_related("declaration__declarant")
        .get(pk=line.pk)
    )
    if line.employer_id != organisation.pk or line.review_status == ReviewStatus.NOT_APPLICABLE:
        raise LifecycleError(f"{organisation.name} n'a pas à vérifier cette déclaration.")
    if line.status != LineStatus.ACTIVE:
        raise LifecycleError("Cette déclaration a été annulée par l'organisme de formation.")
    if line.review_deadline < today:
        raise LifecycleError(
            f"Le délai de vérification a pris fin le {line.review_deadline:%d/%m/%Y} : la "
            "déclaration est réputée vérifiée."
        )
    return line


@transaction.atomic
def confirm(line, *, organisation, user, actor: Actor | None = None, today=None):
    today = today or timezone.localdate()
    line = _locked_for_review(line, organisation, today)
    if line.review_status == ReviewStatus.CONFIRMED:
        return line
    previous = line.review_status
    line.review_status = ReviewStatus.CONFIRMED
    line.reviewed_by, line.reviewed_at = user, timezone.now()
    line.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    journal.log(
        _event(
            actor or member_actor(user, organisation),
            "prevention.review_confirmed",
            line,
            {"organisation": organisation.name, "previous_review_status": previous},
        )
    )
    return line


@transaction.atomic
def request_correction(line, *, organisation, user, message, actor=None, today=None):
    """The employer asks the provider to correct the line; the message reaches the
    provider on its declaration's page (and by e-mail to its administrators)."""
    message = (message or "").strip()
    if not message:
        raise LifecycleError("Décrivez ce qui doit être corrigé.")
    if len(message) > 2000:
        raise LifecycleError("Le message dépasse 2 000 caractères.")
    today = today or timezone.localdate()
    line = _locked_for_review(line, organisation, today)
    if line.review_status == ReviewStatus.CORRECTION_REQUESTED:
        raise LifecycleError(
            "Une correction est déjà demandée : l'organisme de formation doit d'abord "
            "corriger sa déclaration."
        )
    previous = line.review_status
    line.review_status = ReviewStatus.CORRECTION_REQUESTED
    line.reviewed_by, line.reviewed_at = user, timezone.now()
    line.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    journal.log(
        _event(
            actor or member_actor(user, organisation),
            "prevention.review_correction_requested",
            line,
            {
                "organisation": organisation.name,
                "message": message,
                "previous_review_status": previous,
            },
        )
    )
    return line


SETTLE_ACTOR = Actor.system("settle_prevention_reviews")


def due_for_settlement(today: datetime.date):
    return DeclarationLine.objects.filter(
        review_status=ReviewStatus.PENDING, review_deadline__lt=today
    )


@transaction.atomic
def settle_reviews(today: datetime.date, *, batch_size: int = 1000) -> int:
    """Stores "deemed verified" on pending lines whose deadline has passed; returns how
    many. Idempotent: a settled line is no longer pending. Each line is journaled."""
    count = 0
    while True:
        batch = list(
            due_for_settlement(today)
            .select_for_update()
            .order_by("pk")
            .only("pk", "public_id", "person_id", "review_deadline")[:batch_size]
        )
        if not batch:
            return count
        now = timezone.now()
        DeclarationLine.objects.filter(pk__in=[line.pk for line in batch]).update(
            review_status=ReviewStatus.DEEMED_VERIFIED, reviewed_at=now, reviewed_by=None
        )
        journal.append(
            _event(
                SETTLE_ACTOR,
                "prevention.review_deemed_verified",
                line,
                {"review_deadline": line.review_deadline.isoformat()},
            )
            for line in batch
        )
        count += len(batch)


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


# --- Reprise ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RepriseWindow:
    reference_day: datetime.date
    provider_deadline: datetime.date
    opens_on: datetime.date  # first day the employer may declare instead
    closes_on: datetime.date  # the employer's own deadline

    def state_on(self, today: datetime.date) -> str:
        if today < self.opens_on:
            return "not_yet"
        if today > self.closes_on:
            return "closed"
        return "open"


def reprise_window(reference_day: datetime.date) -> RepriseWindow:
    """When an employer may declare a training whose provider has not declared it:
    from the day after the provider's deadline to the employer's own deadline."""
    return RepriseWindow(
        reference_day=reference_day,
        provider_deadline=deadlines.declare_before(DeclarantRole.PROVIDER, reference_day),
        opens_on=deadlines.reprise_from(reference_day),
        closes_on=deadlines.declare_before(DeclarantRole.EMPLOYER, reference_day),
    )


def is_reprise(declaration: Declaration) -> bool:
    """An employer's declaration made after the provider's deadline for that training:
    a reprise when the training was delivered by a provider."""
    return declaration.declarant_role == DeclarantRole.EMPLOYER and timezone.localdate(
        declaration.created_at
    ) > deadlines.declare_before(DeclarantRole.PROVIDER, declaration.deadline_from)


def provider_duplicates(declaration: Declaration) -> list[DeclarationLine]:
    """For an employer's declaration: the providers' active lines about the same trainees
    naming this employer, for a training of the same title ending (ADF) or valid from
    (JDR) the same day. Both are kept (see the module's rule); this lets the employer see
    it and cancel its own if it wishes."""
    if declaration.declarant_role != DeclarantRole.EMPLOYER:
        return []
    persons = list(
        declaration.lines.filter(status=LineStatus.ACTIVE).values_list("person_id", flat=True)
    )
    if not persons:
        return []
    same_training = Q(declaration__kind=declaration.kind)
    if declaration.kind == DeclarationKind.ADF:
        same_training &= Q(declaration__end_date=declaration.end_date)
    else:
        same_training &= Q(valid_from=declaration.deadline_from)
    return list(
        DeclarationLine.objects.filter(
            same_training,
            person_id__in=persons,
            employer_id=declaration.declarant_id,
            status=LineStatus.ACTIVE,
            declaration__declarant_role=DeclarantRole.PROVIDER,
        )
        .filter(
            Q(declaration__title__iexact=declaration.title)
            | Q(declaration__jdr_name__iexact=declaration.jdr_name or declaration.title)
        )
        .select_related("declaration__declarant")
        .order_by("pk")
    )
