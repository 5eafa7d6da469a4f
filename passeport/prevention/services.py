"""Declaring prevention trainings: checked lines (`rules`) become passport records
(`records.services.store_many`, journaled) and `Declaration` / `DeclarationLine` rows.

`Declarer` is used by every channel (web form, file import, API, command), batch by batch.
It decides what depends on earlier declarations:

- `ID_UNIQUE_PARTENAIRE` is unique per declarant forever: the same line sent again
  (same content) is "already declared" and changes nothing; another line under a known
  identifier is a double declaration and is rejected;
- lines of one `ID_DECLARATION` describe one training: a line describing another one is
  rejected; a declaration holds 1 to 500 trainees;
- each batch is one transaction, the declarant's row locked so that two imports of one
  declarant cannot both create the same line.

One module on purpose, though slightly longer than the house's ~400 lines: `Declarer`
is one transaction's logic, from checked lines to records and declarations.
"""

import dataclasses
import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from passeport.core.bulk import bulk_insert, new_instance
from passeport.core.caches import BoundedCache
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import PreventionTraining

from . import catalogue, deadlines
from .enums import Channel, DeclarantRole, ReviewStatus
from .lines import CheckedLine, LineError, Outcome, Training
from .models import MAX_TRAINEES_PER_DECLARATION, Declaration, DeclarationLine
from .rules import Rules
from .training_rules import TRAINING_CACHE_SIZE

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"

# What `_declare` reads of a line already declared under an identifier.
KNOWN_COLUMNS = (
    "partner_unique_id",
    "row_digest",
    "source_import_id",
    "source_reference",
    "created_at",
)
SOURCE_KINDS = {
    DeclarantRole.PROVIDER: SourceKind.TRAINING_PROVIDER,
    DeclarantRole.EMPLOYER: SourceKind.EMPLOYER,
}


class DeclarationRefused(ValueError):
    """The declarant may not declare at all (not a provider or an employer)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass(slots=True)
class LineResult:
    line: int
    partner_unique_id: str
    status: str
    errors: list[LineError] = dataclasses.field(default_factory=list)
    message: str = ""
    declaration: Declaration | None = None
    declaration_line: DeclarationLine | None = None


def roles_of(organisation: Organisation) -> list[str]:
    roles = []
    if organisation.is_training_provider:
        roles.append(DeclarantRole.PROVIDER)
    if organisation.is_employer:
        roles.append(DeclarantRole.EMPLOYER)
    return roles


def check_role(organisation: Organisation, role: str) -> None:
    if role == DeclarantRole.PROVIDER and not organisation.is_training_provider:
        raise DeclarationRefused(
            f"{organisation.name} n'est pas enregistrée comme organisme de formation : elle "
            "ne peut pas déclarer en cette qualité."
        )
    if role == DeclarantRole.EMPLOYER and not organisation.is_employer:
        raise DeclarationRefused(
            f"{organisation.name} n'est pas enregistrée comme employeur : elle ne peut pas "
            "déclarer en cette qualité."
        )
    if role not in SOURCE_KINDS:
        raise DeclarationRefused(f"Qualité de déclarant inconnue : {role}.")


class Declarer:
    """Declares lines of one kind for one declarant through one channel."""

    def __init__(
        self,
        kind: str,
        declarant: Organisation,
        role: str,
        channel: str,
        *,
        user=None,
        actor: Actor | None = None,
        source_import=None,
        source_label: str = "",
        now: datetime.datetime | None = None,
    ):
        check_role(declarant, role)
        self.kind = kind
        self.declarant = declarant
        self.role = role
        self.channel = channel
        self.user = user
        self.actor = actor or (
            Actor.for_user(user) if user is not None else Actor.for_organisation(declarant)
        )
        self.source_import = source_import
        self.source_label = source_label or Channel(channel).label
        self.now = now
        self.rules = Rules(kind, declarant, role)
        self.source_kind = SOURCE_KINDS[role]
        self._catalogue_kinds: dict[Training, object] = BoundedCache(TRAINING_CACHE_SIZE)

    # --- Public ---------------------------------------------------------------------

    def declare(self, rows: list[tuple[int, list[str]]]) -> list[LineResult]:
        """Checks and declares `(line number, values in column order)`; one result per
        row, in order. Everything accepted is stored in one transaction."""
        outcomes = self.rules.check(rows)
        with transaction.atomic():
            return self._declare(outcomes)

    # --- Inside the transaction ------------------------------------------------------

    def _declare(self, outcomes: list[Outcome]) -> list[LineResult]:
        now = self.now or timezone.now()
        today = timezone.localdate(now)
        # Serialises this declarant's batches: identifiers are checked, then inserted.
        list(
            Organisation.objects.select_for_update()
            .filter(pk=self.declarant.pk)
            .values_list("pk", flat=True)
        )
        ids = [o.partner_unique_id for o in outcomes if o.partner_unique_id]
        known = {row["partner_unique_id"]: row for row in self._declared(ids)}
        declarations = self._declarations(
            {o.checked.declaration_id for o in outcomes if o.checked is not None}
        )
        source_kind = self.source_kind
        provenance = records.Provenance(
            source_kind, now, declarant=self.declarant, reference=self.source_label
        )
        results: list[LineResult] = []
        in_batch: dict[str, int] = {}
        new_declarations: list[Declaration] = []
        accepted: list[tuple[LineResult, CheckedLine, PreventionTraining, str]] = []

        for outcome in outcomes:
            pid = outcome.partner_unique_id
            result = LineResult(outcome.line, pid, REJECTED, list(outcome.errors))
            results.append(result)
            if pid and pid in in_batch:
                result.errors.append(
                    LineError(
                        "ID_UNIQUE_PARTENAIRE",
                        f"Double déclaration : ID_UNIQUE_PARTENAIRE « {pid} » figure déjà "
                        f"ligne {in_batch[pid]}.",
                    )
                )
                continue
            if pid:
                in_batch[pid] = outcome.line
            line = outcome.checked
            if line is None:
                continue
            digest = line.digest()
            previous = known.get(pid)
            if previous is not None:
                self._previous(result, previous, digest)
                continue
            declaration, count = declarations.get(line.declaration_id, (None, 0))
            if declaration is None:
                declaration = self._new_declaration(line, now, today)
                new_declarations.append(declaration)
            elif declaration.kind != self.kind:
                result.errors.append(
                    LineError(
                        "ID_DECLARATION",
                        f"ID_DECLARATION « {line.declaration_id} » est déjà une déclaration "
                        f"de type {declaration.kind}.",
                    )
                )
                continue
            elif _training_of(declaration) != line.training:
                result.errors.append(
                    LineError(
                        "ID_DECLARATION",
                        f"Les lignes de la déclaration « {line.declaration_id} » décrivent une "
                        "même formation : celle-ci diffère de la formation déjà déclarée sous "
                        "cet ID_DECLARATION (intitulé, dates, compétences ou référence).",
                    )
                )
                continue
            if count >= MAX_TRAINEES_PER_DECLARATION:
                result.errors.append(
                    LineError(
                        "ID_DECLARATION",
                        f"La déclaration « {line.declaration_id} » compte déjà "
                        f"{MAX_TRAINEES_PER_DECLARATION} stagiaires, le maximum.",
                    )
                )
                continue
            declarations[line.declaration_id] = (declaration, count + 1)
            record = self.record_for(line, provenance, outcome.line)
            result.status, result.declaration = ACCEPTED, declaration
            accepted.append((result, line, record, digest))

        if new_declarations:
            # A few per batch; bulk_create returns their keys on both backends.
            used = {id(result.declaration) for result, _, _, _ in accepted}
            Declaration.objects.bulk_create([d for d in new_declarations if id(d) in used])
        if accepted:
            records.store_many([record for _, _, record, _ in accepted], actor=self.actor)
            lines = [
                self._line(result.declaration, line, record, digest, now, today)
                for result, line, record, digest in accepted
            ]
            bulk_insert(DeclarationLine, lines)
            for (result, _, _, _), row in zip(accepted, lines, strict=True):
                result.declaration_line = row
        return results

    def _declared(self, ids: list[str]) -> list[dict]:
        """What `_declare` reads of this declarant's lines among the identifiers `ids`.

        On PostgreSQL, one unique-index probe per identifier (a LATERAL subquery with
        LIMIT 1, which the planner cannot turn into a scan): with `declarant_id = X AND
        partner_unique_id = ANY(…)`, statistics older than a large import (a new
        declarant's lines counted as a few) made it read all of the declarant's lines and
        filter them, each batch slower than the one before (150 ms per batch of 5,000 at
        500,000 lines, measured)."""
        if not ids:
            return []
        if connection.vendor != "postgresql":
            return list(
                DeclarationLine.objects.filter(partner_unique_id__in=ids, declarant=self.declarant)
                .order_by()
                .values(*KNOWN_COLUMNS)
            )
        quote = connection.ops.quote_name
        table = quote(DeclarationLine._meta.db_table)
        selected = ", ".join(f"line.{quote(c)}" for c in KNOWN_COLUMNS)
        # Table and column names come from the model, quoted; the values are parameters.
        sql = (
            f"SELECT {selected} FROM unnest(%s::text[]) AS wanted(id) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT * FROM {table} WHERE declarant_id = %s "
            "AND partner_unique_id = wanted.id LIMIT 1) AS line"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(ids), self.declarant.pk])
            return [dict(zip(KNOWN_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def _previous(self, result: LineResult, previous: dict, digest: str) -> None:
        pid = result.partner_unique_id
        where = previous["source_reference"] or "une déclaration précédente"
        same_import = (
            self.source_import is not None and previous["source_import_id"] == self.source_import.pk
        )
        if same_import:
            result.errors.append(
                LineError(
                    "ID_UNIQUE_PARTENAIRE",
                    f"Double déclaration : ID_UNIQUE_PARTENAIRE « {pid} » figure déjà plus haut "
                    f"dans ce fichier ({where}).",
                )
            )
        elif previous["row_digest"] == digest:
            result.status = DUPLICATE
            result.message = (
                f"Déjà déclarée le {timezone.localtime(previous['created_at']):%d/%m/%Y} "
                f"({where}) : rien n'a changé."
            )
        else:
            result.errors.append(
                LineError(
                    "ID_UNIQUE_PARTENAIRE",
                    f"Double déclaration : ID_UNIQUE_PARTENAIRE « {pid} » a déjà été déclaré "
                    f"({where}) avec d'autres valeurs. Un identifiant ne sert qu'une fois ; "
                    "pour corriger une déclaration, modifiez-la.",
                )
            )

    def _declarations(self, wanted: set[str]) -> dict[str, tuple[Declaration, int]]:
        if not wanted:
            return {}
        found = Declaration.objects.filter(
            declarant=self.declarant, declaration_id__in=wanted
        ).annotate(trainees=Count("lines"))
        return {d.declaration_id: (d, d.trainees) for d in found}

    def _new_declaration(self, line: CheckedLine, now, today) -> Declaration:
        deadline_from = line.deadline_from
        declare_before = deadlines.declare_before(self.role, deadline_from)
        return Declaration(
            declarant=self.declarant,
            declarant_role=self.role,
            kind=self.kind,
            declaration_id=line.declaration_id,
            channel=self.channel,
            first_import=self.source_import,
            created_by=self.user,
            created_at=now,
            deadline_from=deadline_from,
            declare_before=declare_before,
            late=today > declare_before,
            **line.training.model_fields(),
        )

    def _catalogue_kind(self, training: Training):
        if training not in self._catalogue_kinds:
            self._catalogue_kinds[training] = catalogue.classify(
                training.display_title, certification_code=training.certification_code
            )
        return self._catalogue_kinds[training]

    def record_for(self, line: CheckedLine, provenance, number: int) -> PreventionTraining:
        """The unsaved passport record of a checked line (`lifecycle` builds a correction's
        values with it too): validity end from the catalogue when none is declared."""
        training = line.training
        kind = self._catalogue_kind(training)
        valid_until = catalogue.effective_validity_end(kind, line.valid_from, line.valid_until)
        reference = provenance.reference
        if self.channel in (Channel.FILE, Channel.COMMAND):
            reference = f"{reference}, ligne {number}"
        # Foreign keys by id: a related object would go through its descriptor on each of
        # 100,000 rows, and nothing downstream reads it.
        return new_instance(
            PreventionTraining,
            person_id=line.person_id,
            source_kind=provenance.source_kind,
            declarant_id=self.declarant.pk,
            received_at=provenance.received_at,
            source_reference=reference[:255],
            assurance=provenance.assurance,
            declaration_kind=training.kind,
            title=training.display_title[:500],
            provider_name=self.declarant.name if self.role == DeclarantRole.PROVIDER else "",
            employer_siret=line.employer_siret,
            start_date=training.start_date,
            end_date=training.end_date,
            valid_from=line.valid_from,
            valid_until=valid_until,
            transferable_skills=list(training.transferable_skills),
            certification_code=training.certification_code,
            jdr_type=training.jdr_type,
            result=line.result,
            training_kind=kind.code if kind is not None else "",
            partner_unique_id=line.partner_unique_id,
            modality=training.modality,
            mention=line.mention,
            proof_url=line.proof_url,
            proof_id=line.proof_id,
        )

    def _line(self, declaration, line: CheckedLine, record, digest, now, today):
        reviewed = self.role == DeclarantRole.PROVIDER and line.employer_present
        return new_instance(
            DeclarationLine,
            declaration_id=declaration.pk,
            declarant_id=self.declarant.pk,
            partner_unique_id=line.partner_unique_id,
            person_id=line.person_id,
            birth_name=line.birth_name,
            lineage=record.lineage,
            employer_present=line.employer_present,
            employer_siret=line.employer_siret,
            employer_reference=line.employer_reference,
            employer_id=line.employer.pk if line.employer is not None else None,
            valid_from=line.valid_from,
            valid_until=line.valid_until,
            result=line.result,
            mention=line.mention,
            proof_url=line.proof_url,
            proof_id=line.proof_id,
            row_digest=digest,
            source_import_id=self.source_import.pk if self.source_import else None,
            source_reference=record.source_reference,
            channel=self.channel,
            late=today > declaration.declare_before,
            created_at=now,
            review_status=ReviewStatus.PENDING if reviewed else ReviewStatus.NOT_APPLICABLE,
            review_deadline=deadlines.review_before(line.deadline_from) if reviewed else None,
        )


def _training_of(declaration: Declaration) -> Training:
    """The training block of a stored declaration, comparable with a checked line's."""
    cached = getattr(declaration, "_training", None)
    if cached is None:
        cached = Training(
            kind=declaration.kind,
            reference=declaration.reference,
            title=declaration.title,
            start_date=declaration.start_date,
            end_date=declaration.end_date,
            modality=declaration.modality,
            transferable_skills=tuple(declaration.transferable_skills),
            trainer_qualifications=tuple(declaration.trainer_qualifications),
            certifying=declaration.certifying,
            certification_code=declaration.certification_code,
            formacodes=tuple(declaration.formacodes),
            nsf_codes=tuple(declaration.nsf_codes),
            jdr_type=declaration.jdr_type,
            jdr_name=declaration.jdr_name,
            option_speciality=declaration.option_speciality,
            award_mode=declaration.award_mode,
            training_present=declaration.training_present,
        )
        declaration._training = cached
    return cached
