"""Compte d'engagement citoyen: bodies declare civic activities, volunteers declare their
association hours and the association confirms or refuses (the real "Compte Bénévole" /
"Compte Asso" round trip), and each validated activity of a year credits 240 € (ceiling
720 € for this part) and adds a guaranteed `Engagement` entry (source CEC) to the passport.

Each declaration is a state machine (`ALLOWED`), every transition logged in
`CecTransition` and journaled. Dates (`deadlines`): a volunteer declares year N between
1 January and 30 June of N+1; the association confirms, and bodies declare, until
31 December of N+1; `expire_due` (daily) closes what is left.

Association leaders: 200 h in the year across associations, of which 100 h in one; a
confirmed declaration waits (CONFIRMED) until the person's year reaches the threshold,
then every confirmed declaration of that year is validated together and credited once.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.enums import EngagementKind, SourceKind

from . import ledger, rules
from .enums import CecActivity, CecStatus, Channel, MovementKind, MovementSource, Part
from .models import CecDeclaration, CecTransition, Movement

ALLOWED = {
    "": {CecStatus.PENDING, CecStatus.CONFIRMED, CecStatus.VALIDATED},
    CecStatus.PENDING: {CecStatus.CONFIRMED, CecStatus.REFUSED, CecStatus.EXPIRED},
    CecStatus.CONFIRMED: {CecStatus.VALIDATED, CecStatus.INSUFFICIENT},
}
ENGAGEMENT_KINDS = {
    CecActivity.SERVICE_CIVIQUE: EngagementKind.SERVICE_CIVIQUE,
    CecActivity.MILITARY_RESERVE: EngagementKind.MILITARY_RESERVE,
    CecActivity.POLICE_RESERVE: EngagementKind.POLICE_RESERVE,
    CecActivity.HEALTH_RESERVE: EngagementKind.HEALTH_RESERVE,
    CecActivity.APPRENTICE_MASTER: EngagementKind.APPRENTICE_MASTER,
    CecActivity.VOLUNTEER_FIREFIGHTER: EngagementKind.VOLUNTEER_FIREFIGHTER,
    CecActivity.CIVIC_RESERVE: EngagementKind.CIVIC_RESERVE,
    CecActivity.ASSOCIATION_LEADER: EngagementKind.ASSOCIATION_LEADER,
}


class CecError(ValueError):
    """A refusal, with the French reason and the field it concerns (for forms and files)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Deadlines:
    year: int

    @property
    def volunteer_opens(self) -> datetime.date:
        return datetime.date(self.year + 1, 1, 1)

    @property
    def volunteer_closes(self) -> datetime.date:
        return datetime.date(self.year + 1, 6, 30)

    @property
    def confirmation_closes(self) -> datetime.date:
        return datetime.date(self.year + 1, 12, 31)


def validates(body, activity: str) -> bool:
    return bool(body.is_civic_body) and activity in (body.civic_activities or [])


def _check_person(person, year: int) -> None:
    if person.age_on(datetime.date(year, 12, 31)) < rules.CEC_MINIMUM_AGE:
        raise CecError(
            f"Le compte d'engagement citoyen est ouvert à partir de {rules.CEC_MINIMUM_AGE} ans "
            f"(âge atteint au 31 décembre {year}).",
            "nir",
        )


def _check_year(year: int, today: datetime.date, closes: datetime.date) -> None:
    if year > today.year:
        raise CecError("L'année de l'activité ne peut pas être à venir.", "year")
    if year < rules.FIRST_EURO_YEAR - 2:
        raise CecError("Année trop ancienne.", "year")
    if today > closes:
        raise CecError(
            f"Délai dépassé : l'activité de {year} se déclare au plus tard le {closes:%d/%m/%Y}.",
            "year",
        )


@transaction.atomic
def declare_by_body(
    body,
    person,
    *,
    activity: str,
    year: int,
    quantity: int,
    channel: str,
    actor: Actor,
    engagement_years: int | None = None,
    role: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> CecDeclaration:
    """A body's declaration of one activity of one person for one year: validated and
    credited at once, or (association hours) confirmed until the year's threshold."""
    today = today or timezone.localdate()
    if activity not in CecActivity.values:
        raise CecError("Activité inconnue.", "activity")
    if not validates(body, activity):
        raise CecError(
            f"{body.name} ne valide pas l'activité « {CecActivity(activity).label} ».", "activity"
        )
    _check_year(year, today, Deadlines(year).confirmation_closes)
    _check_person(person, year)
    if start_date and end_date and end_date < start_date:
        raise CecError("La fin de l'activité précède son début.", "end_date")
    refusal = rules.cec_refusal(
        activity,
        quantity,
        year,
        engagement_years=engagement_years,
        association_declared_on=body.association_declared_on,
    )
    if refusal:
        raise CecError(refusal, "quantity")
    declaration = _create(
        person,
        body,
        activity=activity,
        year=year,
        quantity=quantity,
        engagement_years=engagement_years,
        role=role,
        start_date=start_date,
        end_date=end_date,
        channel=channel,
    )
    if activity == CecActivity.ASSOCIATION_LEADER:
        _move(declaration, CecStatus.CONFIRMED, actor)
        _evaluate_association_year(person, year, actor)
    else:
        _move(declaration, CecStatus.VALIDATED, actor)
        _credit([declaration], actor)
    declaration.refresh_from_db()
    return declaration


def _create(person, body, **fields) -> CecDeclaration:
    try:
        with transaction.atomic():
            return CecDeclaration.objects.create(
                person=person, body=body, status="", declared_at=timezone.now(), **fields
            )
    except IntegrityError as error:
        raise CecError(
            "Cette activité de cette personne est déjà déclarée pour cette année.", "year"
        ) from error


@transaction.atomic
def declare_by_volunteer(
    person,
    body,
    *,
    year: int,
    hours: int,
    role: str,
    actor: Actor,
    today: datetime.date | None = None,
) -> CecDeclaration:
    """A volunteer's own declaration of their hours in one association (Compte Bénévole):
    waits for the association's confirmation."""
    today = today or timezone.localdate()
    deadlines = Deadlines(year)
    if not validates(body, CecActivity.ASSOCIATION_LEADER):
        raise CecError("Cette organisation n'est pas une association connue du service.", "body")
    if today < deadlines.volunteer_opens or today > deadlines.volunteer_closes:
        raise CecError(
            f"Les heures de {year} se déclarent du {deadlines.volunteer_opens:%d/%m/%Y} au "
            f"{deadlines.volunteer_closes:%d/%m/%Y}.",
            "year",
        )
    _check_person(person, year)
    refusal = rules.cec_refusal(
        CecActivity.ASSOCIATION_LEADER,
        hours,
        year,
        association_declared_on=body.association_declared_on,
    )
    if refusal:
        raise CecError(refusal, "hours")
    declaration = _create(
        person,
        body,
        activity=CecActivity.ASSOCIATION_LEADER,
        year=year,
        quantity=hours,
        role=role,
        channel=Channel.HOLDER,
    )
    _move(declaration, CecStatus.PENDING, actor)
    return declaration


@transaction.atomic
def confirm(declaration: CecDeclaration, *, actor: Actor, today=None) -> CecDeclaration:
    today = today or timezone.localdate()
    declaration = CecDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != CecStatus.PENDING:
        raise CecError("Cette déclaration n'attend plus de confirmation.")
    if today > Deadlines(declaration.year).confirmation_closes:
        raise CecError("Le délai de confirmation est dépassé.")
    _move(declaration, CecStatus.CONFIRMED, actor)
    _evaluate_association_year(declaration.person, declaration.year, actor)
    declaration.refresh_from_db()
    return declaration


@transaction.atomic
def refuse(declaration: CecDeclaration, *, actor: Actor, reason: str) -> CecDeclaration:
    declaration = CecDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.status != CecStatus.PENDING:
        raise CecError("Cette déclaration n'attend plus de réponse.")
    if not reason.strip():
        raise CecError("Le motif du refus est obligatoire.", "reason")
    _move(declaration, CecStatus.REFUSED, actor, reason.strip())
    return declaration


def expire_due(today: datetime.date, *, actor: Actor, dry_run: bool = False) -> dict[str, int]:
    """Daily: volunteers' declarations not confirmed by 31 Dec N+1 expire; association
    hours confirmed but below the year's threshold by then are closed as such.
    Idempotent (only open declarations of closed years are touched)."""
    closed_up_to = today.year - 2  # year N stays open until 31 December of N+1 included
    counts = {"expired": 0, "insufficient": 0}
    targets = (
        (CecStatus.PENDING, CecStatus.EXPIRED, "expired", "Non confirmée avant la date limite."),
        (
            CecStatus.CONFIRMED,
            CecStatus.INSUFFICIENT,
            "insufficient",
            "Seuil de 200 heures (dont 100 dans une même association) non atteint.",
        ),
    )
    for status, target, key, reason in targets:
        due = CecDeclaration.objects.filter(status=status, year__lte=closed_up_to)
        if dry_run:
            counts[key] = due.count()
            continue
        for pk in due.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=1000):
            with transaction.atomic():
                declaration = CecDeclaration.objects.select_for_update().get(pk=pk)
                if declaration.status == status:
                    _move(declaration, target, actor, reason)
                    counts[key] += 1
    return counts


# --- transitions, evaluation, credit -----------------------------------------------------


def _move(declaration: CecDeclaration, to: str, actor: Actor, reason: str = "") -> None:
    before = declaration.status
    if to not in ALLOWED.get(before, set()):
        raise CecError(f"Passage de « {before or 'nouvelle'} » à « {to} » impossible.")
    now = timezone.now()
    declaration.status, declaration.status_reason = to, reason[:255]
    fields = ["status", "status_reason"]
    if to not in (CecStatus.PENDING, CecStatus.CONFIRMED):
        declaration.decided_at = now
        fields.append("decided_at")
    declaration.save(update_fields=fields)
    CecTransition.objects.create(
        declaration=declaration,
        from_status=before,
        to_status=to,
        at=now,
        actor_label=actor.label,
        reason=reason[:255],
    )
    journal.log(
        journal.Event(
            actor,
            f"cpf.cec_{to}",
            "cpf.CecDeclaration",
            str(declaration.public_id),
            declaration.person_id,
            payload={
                "from": before,
                "activity": declaration.activity,
                "year": declaration.year,
                "quantity": declaration.quantity,
                "body": declaration.body.siret,
                "reason": reason,
            },
            plain=True,
        )
    )


def _evaluate_association_year(person, year: int, actor: Actor) -> None:
    counted = list(
        CecDeclaration.objects.select_for_update()
        .filter(
            person=person,
            year=year,
            activity=CecActivity.ASSOCIATION_LEADER,
            status__in=[CecStatus.CONFIRMED, CecStatus.VALIDATED],
        )
        .select_related("body")
        .order_by("pk")
    )
    if not rules.association_year_met([d.quantity for d in counted]):
        return
    waiting = [d for d in counted if d.status == CecStatus.CONFIRMED]
    for declaration in waiting:
        _move(declaration, CecStatus.VALIDATED, actor)
    if waiting:
        _credit(waiting, actor, total_hours=sum(d.quantity for d in counted))


def _credit(declarations: list[CecDeclaration], actor: Actor, total_hours: int = 0) -> None:
    """240 € (within the 720 € ceiling) once for the activity's year, and one passport
    entry per validated declaration."""
    first = declarations[0]
    person, year, activity = first.person, first.year, first.activity
    account = ledger.open_account(person, actor=actor)
    already = Movement.objects.filter(
        account=account, kind=MovementKind.CEC_CREDIT, year=year, activity=activity
    ).exists()
    credited = 0
    if not already:
        threshold = rules.CEC_THRESHOLDS[activity]

        def plan(current):
            amount = rules.cec_credit(current.cec)
            return [
                ledger.Entry(
                    kind=MovementKind.CEC_CREDIT,
                    part=Part.CEC,
                    amount=amount,
                    source_kind=MovementSource.CEC,
                    year=year,
                    activity=activity,
                    declarant=first.body,
                    reference=f"CEC {year}",
                    details={
                        "activity": activity,
                        "quantity": total_hours or first.quantity,
                        "unit": threshold.unit,
                        "bodies": sorted({d.body.name for d in declarations}),
                        "credit_cents": rules.CEC_CREDIT_CENTS,
                        "ceiling_cents": rules.CEC_CEILING_CENTS,
                        "balance_before_cents": current.cec,
                    },
                )
            ]

        [movement] = ledger.post(account, plan, actor=actor)
        credited = movement.amount
    now = timezone.now()
    for declaration in declarations:
        unit = rules.CEC_THRESHOLDS[activity].unit
        entry = records.store_engagement(
            person,
            provenance=records.Provenance(
                SourceKind.CEC,
                now,
                declaration.body,
                f"CEC {year} {CecActivity(activity).label}"[:255],
            ),
            actor=actor,
            engagement_kind=ENGAGEMENT_KINDS[activity],
            organisation_name=declaration.body.name,
            role=declaration.role or CecActivity(activity).label,
            start_date=declaration.start_date or datetime.date(year, 1, 1),
            end_date=declaration.end_date or datetime.date(year, 12, 31),
            hours=declaration.quantity if unit == "heures" else None,
        )
        declaration.engagement_lineage = entry.lineage
        declaration.credited_cents = credited if declaration is first else 0
        declaration.save(update_fields=["engagement_lineage", "credited_cents"])
