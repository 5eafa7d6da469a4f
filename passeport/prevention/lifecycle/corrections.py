"""Corrections of a declaration by its declarant: the line rebuilt in the official columns
from the stored rows (the NIR decrypted in memory only), the changes applied, checked by
the very rules of a new declaration; each affected entry becomes a new version."""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.enums import RecordStatus
from passeport.records.models import PreventionTraining

from .. import deadlines
from ..enums import Channel, DeclarantRole, DeclarationKind, LineStatus, ReviewStatus
from ..lines import COLUMNS, TRAINING_COLUMNS, LineError
from ..models import Declaration, DeclarationLine
from ..services import Declarer
from .errors import LifecycleError
from .history import event

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


def locked_active_lines(declaration, only: DeclarationLine | None = None):
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
            event(
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
            event(
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
    lines = locked_active_lines(declaration, only=line)
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
    lines = locked_active_lines(declaration)
    return _apply(declaration, lines, changes, reason=reason, actor=actor, training_changed=True)
