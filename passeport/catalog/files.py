"""The training file (dossier EDOF) as an explicit state machine.

    (new) ─holder─▶ not_processed ─provider─▶ validated ─holder─▶ accepted ─provider─▶
    in_training ─provider─▶ terminated ─provider─▶ service_done_declared ─system/operator─▶
    service_done_validated (billing: à facturer → facturé → payé)

and the end states of `TRANSITIONS` (refusals and cancellations, each with a reason
code). Each transition names who may trigger it, locks the file's row, is logged as a
`FileTransition`, journaled on the holder, notified to whoever acts next, and announced
to the provider's webhooks. Deadlines (French working days, `workdays`) are enforced by
`deadlines.enforce` (command `enforce_training_file_deadlines`), never by a page.

Money: rights are reserved at acceptance (`cpf.ledger.reserve`), debited at entry
(`debit`), released on any cancellation before entry (`release`).

One module on purpose, though longer than the house's ~400 lines: the state machine's
transitions, who may trigger them and what each does to the ledger are read together
(the deadlines job, the CSV bulk actions and the API call these functions).
"""

import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.cpf import ledger
from passeport.cpf.models import CpfAccount
from passeport.journal.actors import Actor, ActorKind
from passeport.journal.services import Event, log

from . import notices, plan, referencing, topups, webhooks
from .enums import OPEN_STATES, BillingState, EnrolmentStatus, FileState, ReasonCode
from .models import FileTransition, TrainingFile
from .workdays import add_working_days

S = FileState
HOLDER = {ActorKind.HOLDER}
PROVIDER = {ActorKind.PROFESSIONAL, ActorKind.ORGANISATION}
SYSTEM = {ActorKind.SYSTEM}
OPERATOR = {ActorKind.OPERATOR}

# (from, to) → who may trigger it.
TRANSITIONS = {
    ("", S.NOT_PROCESSED): HOLDER,
    (S.NOT_PROCESSED, S.VALIDATED): PROVIDER,
    (S.NOT_PROCESSED, S.REFUSED_BY_PROVIDER): PROVIDER,
    (S.NOT_PROCESSED, S.CANCELED_BY_HOLDER): HOLDER,
    (S.NOT_PROCESSED, S.CANCELED_WITHOUT_FOLLOW_UP): SYSTEM,
    (S.NOT_PROCESSED, S.REFUSED_BY_FUNDER): OPERATOR,
    (S.VALIDATED, S.ACCEPTED): HOLDER,
    (S.VALIDATED, S.REFUSED_BY_HOLDER): HOLDER,
    (S.VALIDATED, S.CANCELED_BY_PROVIDER): PROVIDER,
    (S.VALIDATED, S.CANCELED_WITHOUT_FOLLOW_UP): SYSTEM,
    (S.VALIDATED, S.REFUSED_BY_FUNDER): OPERATOR,
    (S.ACCEPTED, S.IN_TRAINING): PROVIDER,
    (S.ACCEPTED, S.CANCELED_BY_HOLDER): HOLDER,
    (S.ACCEPTED, S.CANCELED_BY_HOLDER_NOT_REALIZED): PROVIDER,
    (S.ACCEPTED, S.CANCELED_BY_PROVIDER): PROVIDER,
    (S.ACCEPTED, S.CANCELED_BY_FUNDER): OPERATOR,
    (S.IN_TRAINING, S.TERMINATED): PROVIDER,
    (S.TERMINATED, S.SERVICE_DONE_DECLARED): PROVIDER,
    (S.SERVICE_DONE_DECLARED, S.SERVICE_DONE_VALIDATED): SYSTEM | OPERATOR,
}

# The reason codes each end state accepts.
REASONS = {
    S.REFUSED_BY_PROVIDER: [
        ReasonCode.PROVIDER_FULL,
        ReasonCode.PROVIDER_PREREQUISITES,
        ReasonCode.PROVIDER_SESSION_CANCELLED,
        ReasonCode.PROVIDER_NOT_REACHABLE,
        ReasonCode.PROVIDER_OTHER,
    ],
    S.CANCELED_BY_PROVIDER: [
        ReasonCode.PROVIDER_SESSION_CANCELLED,
        ReasonCode.PROVIDER_NOT_REACHABLE,
        ReasonCode.PROVIDER_OTHER,
    ],
    S.CANCELED_BY_HOLDER: [
        ReasonCode.HOLDER_PERSONAL,
        ReasonCode.HOLDER_OTHER_FUNDING,
        ReasonCode.HOLDER_PROPOSAL,
    ],
    S.REFUSED_BY_HOLDER: [
        ReasonCode.HOLDER_PROPOSAL,
        ReasonCode.HOLDER_PERSONAL,
        ReasonCode.HOLDER_OTHER_FUNDING,
    ],
    S.CANCELED_BY_HOLDER_NOT_REALIZED: [ReasonCode.HOLDER_NO_SHOW],
    S.CANCELED_BY_FUNDER: [ReasonCode.FUNDER_CONTROL, ReasonCode.FUNDER_FRAUD],
    S.REFUSED_BY_FUNDER: [ReasonCode.FUNDER_CONTROL, ReasonCode.FUNDER_FRAUD],
    S.CANCELED_WITHOUT_FOLLOW_UP: [ReasonCode.NO_ANSWER, ReasonCode.NOT_ACCEPTED],
}
EXIT_REASONS = [
    ReasonCode.EXIT_COMPLETED,
    ReasonCode.EXIT_ABANDONED,
    ReasonCode.EXIT_FORCE_MAJEURE,
]

ANSWER_DAYS = 2  # working days for the provider to answer
ANSWER_DAYS_WITH_PREREQUISITES = 30  # calendar days
ACCEPT_DAYS = 4  # working days for the holder to accept
MIN_START_DAYS = 11  # working days between the proposal and the start
DECLARE_DAYS = 3  # working days to declare entry (after the start) and exit (after the end)
CONTROL_DAYS = 5  # working days before service fait is validated automatically


class FileError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed(file_state: str, to_state: str, actor: Actor) -> bool:
    return actor.kind in TRANSITIONS.get((file_state, to_state), set())


def _label(state: str) -> str:
    return S(state).label if state else "nouveau"


def _move(file, to_state, actor: Actor, *, reason="", detail="", **changes) -> TrainingFile:
    """The one place a file changes state: checks, logs, journals, notifies, announces."""
    from_state = file.state if file.pk else ""
    if (from_state, to_state) not in TRANSITIONS:
        raise FileError(
            f"Un dossier « {_label(from_state)} » ne peut pas devenir « {_label(to_state)} »."
        )
    if not allowed(from_state, to_state, actor):
        raise FileError("Vous ne pouvez pas faire ce changement sur ce dossier.")
    if to_state in REASONS and reason not in REASONS[to_state]:
        raise FileError("Choisissez un motif parmi ceux proposés.")
    for name, value in changes.items():
        setattr(file, name, value)
    file.state = to_state
    file.state_changed_at = timezone.now()
    if reason:
        file.reason_code = reason
    file.save()
    FileTransition.objects.create(
        file=file,
        from_state=from_state,
        to_state=to_state,
        actor_kind=actor.kind,
        actor_label=actor.label[:255],
        reason_code=reason,
        detail=detail[:500],
    )
    log(
        Event(
            actor,
            f"catalog.file_{to_state}",
            "catalog.TrainingFile",
            str(file.public_id),
            file.person_id,
            payload={
                "reference": file.reference,
                "from": from_state,
                "reason": reason,
                "provider_siret": file.provider.siret,
            },
        )
    )
    notices.notify(file)
    webhooks.announce(file, from_state)
    return file


def _locked(file, to_state: str | None = None, actor: Actor | None = None) -> TrainingFile:
    """The file's row, locked; with `to_state`, refused early when that move is not
    allowed from its current state or for this actor (before checking any date)."""
    fresh = (
        TrainingFile.objects.select_for_update()
        .select_related("session__action__training", "provider", "person")
        .get(pk=file.pk)
    )
    if to_state is not None:
        if (fresh.state, to_state) not in TRANSITIONS:
            raise FileError(
                f"Un dossier « {_label(fresh.state)} » ne peut pas devenir « {_label(to_state)} »."
            )
        if not allowed(fresh.state, to_state, actor):
            raise FileError("Vous ne pouvez pas faire ce changement sur ce dossier.")
    return fresh


def _new_reference() -> str:
    return f"CPF{secrets.randbelow(10**10):010d}"


# --- the holder ------------------------------------------------------------------------------


def apply(person, session, *, actor: Actor, today: datetime.date, message="") -> TrainingFile:
    """The holder's request on a session: « non traité », the provider answers within 2
    working days (30 days when the training has prerequisites)."""
    action = session.action
    training = action.training
    if session.enrolment != EnrolmentStatus.OPEN or session.start_date <= today:
        raise FileError("Cette session n'est plus ouverte aux inscriptions.")
    refusals = referencing.session_refusals(training.provider, training, session.start_date)
    if refusals:
        raise FileError("Cette session n'est pas proposée au CPF : " + " ".join(refusals))
    if TrainingFile.objects.filter(person=person, session=session, state__in=OPEN_STATES).exists():
        raise FileError("Vous avez déjà un dossier en cours pour cette session.")
    if training.has_prerequisites:
        act_before = today + datetime.timedelta(days=ANSWER_DAYS_WITH_PREREQUISITES)
    else:
        act_before = add_working_days(today, ANSWER_DAYS)
    for _attempt in range(5):
        file = TrainingFile(
            reference=_new_reference(),
            person=person,
            session=session,
            provider=training.provider,
            price_cents=action.price_cents,
            hours=action.hours,
            start_date=session.start_date,
            end_date=session.end_date,
            holder_message=message[:2000],
            act_before=act_before,
        )
        try:
            with transaction.atomic():
                return _move(file, S.NOT_PROCESSED, actor)
        except IntegrityError:
            if TrainingFile.objects.filter(reference=file.reference).exists():
                continue
            raise
    raise FileError("Numéro de dossier indisponible, réessayez.")


def _account_for_update(person) -> CpfAccount | None:
    account = CpfAccount.objects.select_for_update().filter(person=person).first()
    return account


@transaction.atomic
def accept(file, *, actor: Actor, today: datetime.date, paid_cents: int = 0) -> TrainingFile:
    """The holder accepts the proposal: the plan of funding is fixed, rights are reserved,
    funders' top-ups committed. `paid_cents`: what the holder paid by card (the plan's
    holder part must equal it)."""
    file = _locked(file)
    if file.state != S.VALIDATED:
        raise FileError(f"Ce dossier est « {file.get_state_display()} » : rien à accepter.")
    if file.act_before and today > file.act_before:
        raise FileError("Le délai pour accepter cette proposition est dépassé.")
    account = _account_for_update(file.person)
    balances = ledger.balances(account) if account else ledger.Balances()
    funding = plan.compute(
        file.person,
        file.session,
        file.price_cents,
        today,
        balances=balances,
        commit_reference=file.reference,
    )
    if funding.holder_cents != paid_cents:
        raise FileError(
            "Le reste à payer a changé depuis l'affichage de la proposition : "
            "vérifiez le nouveau montant avant d'accepter."
        )
    if funding.cpf_cents:
        try:
            ledger.reserve(
                account,
                funding.cpf_cents,
                reference=file.reference,
                actor=actor,
                reason="Acceptation du dossier de formation",
            )
        except ledger.InsufficientRights as error:
            raise FileError(f"Vos droits ne suffisent plus : {error.message}") from error
    return _move(
        file,
        S.ACCEPTED,
        actor,
        funder_cents=funding.funder_cents,
        rights_cents=funding.rights_cents,
        topups=funding.as_json(),
        contribution_cents=funding.contribution_cents,
        card_cents=funding.card_cents,
        act_before=add_working_days(file.start_date, DECLARE_DAYS),
    )


def _release(file, actor: Actor, reason: str) -> None:
    if file.funder_cents + file.rights_cents:
        account = ledger.account_of(file.person)
        if account:
            ledger.release(account, reference=file.reference, actor=actor, reason=reason)
    if file.topups:
        for provider in topups.providers():
            provider.release(file.reference)


@transaction.atomic
def end(file, to_state: str, *, actor: Actor, reason: str, detail="") -> TrainingFile:
    """A refusal or a cancellation (what is reserved is released)."""
    file = _locked(file)
    was_accepted = file.state == S.ACCEPTED
    file = _move(file, to_state, actor, reason=reason, detail=detail, act_before=None)
    if was_accepted:
        _release(file, actor, S(to_state).label)
    return file


# --- the provider ------------------------------------------------------------------------------


@transaction.atomic
def validate(
    file, *, actor: Actor, today: datetime.date, price_cents: int, start_date, end_date, hours: int
) -> TrainingFile:
    """The provider's proposal; the start is at least 11 working days later."""
    file = _locked(file, S.VALIDATED, actor)
    earliest = add_working_days(today, MIN_START_DAYS)
    if start_date < earliest:
        raise FileError(
            f"La formation commence au plus tôt 11 jours ouvrés après la proposition, "
            f"soit le {earliest:%d/%m/%Y}."
        )
    if end_date < start_date:
        raise FileError("La fin de la formation ne précède pas son début.")
    if price_cents <= 0 or hours <= 0:
        raise FileError("Le prix et la durée sont positifs.")
    if price_cents > file.session.action.price_cents:
        raise FileError("Le prix proposé ne dépasse pas le prix publié de l'action.")
    return _move(
        file,
        S.VALIDATED,
        actor,
        price_cents=price_cents,
        start_date=start_date,
        end_date=end_date,
        hours=hours,
        act_before=add_working_days(today, ACCEPT_DAYS),
    )


@transaction.atomic
def declare_entry(file, *, actor: Actor, entered_on: datetime.date, today) -> TrainingFile:
    """Irrevocable: the reservation becomes a debit."""
    file = _locked(file, S.IN_TRAINING, actor)
    if entered_on > today:
        raise FileError("L'entrée en formation se déclare une fois la formation commencée.")
    if entered_on < file.start_date:
        raise FileError("L'entrée ne précède pas le début de la formation.")
    if file.state == S.ACCEPTED and file.funder_cents + file.rights_cents:
        account = ledger.account_of(file.person)
        ledger.debit(account, reference=file.reference, actor=actor, reason="Entrée en formation")
    return _move(
        file,
        S.IN_TRAINING,
        actor,
        entered_on=entered_on,
        act_before=add_working_days(file.end_date, DECLARE_DAYS),
    )


@transaction.atomic
def declare_exit(file, *, actor: Actor, exited_on, reason: str, today) -> TrainingFile:
    file = _locked(file, S.TERMINATED, actor)
    if reason not in EXIT_REASONS:
        raise FileError("Choisissez un motif de sortie parmi ceux proposés.")
    if exited_on > today or (file.entered_on and exited_on < file.entered_on):
        raise FileError("La date de sortie suit l'entrée et n'est pas dans le futur.")
    return _move(
        file, S.TERMINATED, actor, exited_on=exited_on, exit_reason=reason, act_before=None
    )


@transaction.atomic
def declare_service_done(
    file,
    *,
    actor: Actor,
    completion_percent: int,
    absence_hours: int,
    certification_obtained: bool | None,
    today,
) -> TrainingFile:
    file = _locked(file, S.SERVICE_DONE_DECLARED, actor)
    if not 0 <= completion_percent <= 100:
        raise FileError("Le taux de réalisation est compris entre 0 et 100 %.")
    if absence_hours < 0 or absence_hours > file.hours:
        raise FileError("Les heures d'absence sont comprises entre 0 et la durée de la formation.")
    return _move(
        file,
        S.SERVICE_DONE_DECLARED,
        actor,
        completion_percent=completion_percent,
        absence_hours=absence_hours,
        certification_obtained=certification_obtained,
        act_before=add_working_days(today, CONTROL_DAYS),
    )


@transaction.atomic
def validate_service_done(file, *, actor: Actor) -> TrainingFile:
    """Service fait validé: billing opens, funders settle pro rata, and a completed
    training (or an obtained certification) becomes a guaranteed passport entry."""
    from . import passport

    file = _locked(file)
    if file.under_control and actor.kind == ActorKind.SYSTEM:
        raise FileError("Ce dossier est en contrôle : il n'est pas validé automatiquement.")
    file = _move(
        file, S.SERVICE_DONE_VALIDATED, actor, billing=BillingState.TO_BILL, act_before=None
    )
    if file.topups:
        for provider in topups.providers():
            provider.settle(file.reference, file.completion_percent or 0, 100)
    _recredit_unrealised(file, actor)
    if file.certification_obtained or file.completion_percent == 100:
        file.record = passport.store_training(file, actor)
        file.save(update_fields=["record"])
    return file


def _recredit_unrealised(file, actor: Actor) -> None:
    """A training done in part gives back to the holder the debited rights of the part not
    done (the provider is paid pro rata: `paid_to_provider_cents`) — except after an
    abandonment without force majeure, where the Conditions générales keep them debited
    (`CATALOG_RECREDIT_AFTER_ABANDONMENT`, off by default)."""
    done = file.completion_percent if file.completion_percent is not None else 100
    if done >= 100 or not file.funder_cents + file.rights_cents:
        return
    if file.exit_reason == ReasonCode.EXIT_ABANDONED and not (
        settings.CATALOG_RECREDIT_AFTER_ABANDONMENT
    ):
        return
    account = ledger.account_of(file.person)
    if account is not None:
        ledger.recredit(
            account,
            reference=file.reference,
            percent_done=done,
            actor=actor,
            reason="Formation réalisée en partie",
        )


@transaction.atomic
def set_control(file, *, actor: Actor, opened: bool) -> TrainingFile:
    """An operator opens (or lifts) a control: service fait is then not validated
    automatically. Logged in the file's history and journaled; the state is unchanged."""
    if actor.kind != ActorKind.OPERATOR:
        raise FileError("Seul un opérateur ouvre ou lève un contrôle.")
    file = _locked(file)
    file.under_control = opened
    file.save(update_fields=["under_control"])
    detail = "Contrôle ouvert" if opened else "Contrôle levé"
    FileTransition.objects.create(
        file=file,
        from_state=file.state,
        to_state=file.state,
        actor_kind=actor.kind,
        actor_label=actor.label[:255],
        detail=detail,
    )
    log(
        Event(
            actor,
            "catalog.file_control",
            "catalog.TrainingFile",
            str(file.public_id),
            file.person_id,
            payload={"reference": file.reference, "opened": opened},
        )
    )
    return file


def paid_to_provider_cents(file) -> int:
    """A partial completion is paid pro rata of the completion rate."""
    return file.price_cents * (file.completion_percent or 0) // 100
