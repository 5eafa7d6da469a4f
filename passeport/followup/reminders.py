"""Expiry reminders of prevention trainings: the daily job behind `send_reminders`.

For each current prevention training whose end of validity is 90 or 30 days away, or
reached, the holder is reminded, and so is each employer the holder lets see that
training (consent): the organisations of the holder's current DSN employment periods and
the employer named in the declaration (`employer_siret`).

Set-based: one query finds the (training, milestone) pairs without a holder reminder yet
— the holder's reminder is written for every pair, account or not, and so marks the pair
as done —, a handful more find the employers, consents, members and addresses; rows go
in with bulk inserts. Only the most urgent milestone due is sent (a training first seen
20 days before its end gets the 30-day reminder, not the 90-day one; a job that did not
run for a week sends one reminder, not seven). The partial unique constraints on
`Reminder` refuse a second reminder even if two runs overlap: the later transaction
fails, and e-mails only leave after commit, so nothing goes out twice.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Case, DateField, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse

from passeport.catalog import search
from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.jobs.mail import send_after_commit
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Membership, Organisation
from passeport.records.enums import RecordStatus
from passeport.records.models import EmploymentPeriod, PreventionTraining
from passeport.records.timeline import SLUG_BY_MODEL
from passeport.users.models import User

from .models import Milestone, Notification, RecipientKind, Reminder

logger = logging.getLogger(__name__)

SERVICE_NAME = "Passeport de compétences"
CURRENT = (RecordStatus.ACTIVE, RecordStatus.EXPIRED)
NO_END = datetime.date(9999, 12, 31)
# An arbitrary constant: the advisory lock that keeps two runs from working at once on
# PostgreSQL (SQLite's write transactions are serialised already).
ADVISORY_LOCK = 0x5F0110


def catch_up_days() -> int:
    """How long after its end a training still gets its expiry reminder when the job
    did not run on the day (or the training was declared late)."""
    return getattr(settings, "FOLLOWUP_EXPIRY_CATCH_UP_DAYS", 30)


@dataclass
class Outcome:
    day: datetime.date
    holder_reminders: int = 0
    employer_reminders: int = 0
    emails: int = 0
    notifications: int = 0
    by_milestone: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    dry_run: bool = False


def due_trainings(day: datetime.date):
    """The current prevention trainings with a milestone due on `day` and no holder
    reminder for it yet, annotated with that milestone (the most urgent due)."""
    horizon = Coalesce("valid_until", Value(NO_END, output_field=DateField()))
    # A renewal of the same kind for the same person makes the reminder pointless.
    renewed = (
        PreventionTraining.objects.filter(
            status__in=CURRENT,
            person_id=OuterRef("person_id"),
            training_kind=OuterRef("training_kind"),
        )
        .exclude(training_kind="")
        .annotate(horizon=horizon)
        .filter(horizon__gt=OuterRef("valid_until"))
    )
    already = Reminder.objects.filter(
        recipient_kind=RecipientKind.HOLDER,
        record_lineage=OuterRef("lineage"),
        valid_until=OuterRef("valid_until"),
        milestone__lte=OuterRef("milestone"),
    )
    return (
        PreventionTraining.objects.filter(
            status__in=CURRENT,
            valid_until__gte=day - datetime.timedelta(days=catch_up_days()),
            valid_until__lte=day + datetime.timedelta(days=Milestone.DAYS_90),
        )
        .annotate(
            milestone=Case(
                When(valid_until__lte=day, then=Value(Milestone.EXPIRY)),
                When(
                    valid_until__lte=day + datetime.timedelta(days=Milestone.DAYS_30),
                    then=Value(Milestone.DAYS_30),
                ),
                default=Value(Milestone.DAYS_90),
                output_field=IntegerField(),
            )
        )
        .exclude(Exists(renewed))
        .exclude(Exists(already))
    )


def send_reminders(day: datetime.date, *, dry_run: bool = False) -> Outcome:
    outcome = Outcome(day, dry_run=dry_run)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        _run(day, outcome)
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def _run(day: datetime.date, outcome: Outcome) -> None:
    due = due_trainings(day)
    trainings = list(
        due.order_by("pk").values(
            "pk",
            "person_id",
            "public_id",
            "lineage",
            "version",
            "title",
            "valid_until",
            "milestone",
            "employer_siret",
        )
    )
    if not trainings:
        return
    persons = due.values("person_id")

    # Who employs each person today (any establishment of the DSN), and the declared
    # employer of each training.
    employers_of: dict[int, set[int]] = defaultdict(set)
    for person_id, employer_id in (
        EmploymentPeriod.objects.filter(
            person__in=persons,
            status=RecordStatus.ACTIVE,
            employer__isnull=False,
            start_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("person_id", "employer_id")
        .distinct()
    ):
        employers_of[person_id].add(employer_id)
    sirets = {t["employer_siret"] for t in trainings if t["employer_siret"]}
    by_siret = dict(Organisation.objects.filter(siret__in=sirets).values_list("siret", "pk"))
    consents = {
        (person_id, employer_id): (scope, set(lineages))
        for person_id, employer_id, scope, lineages in PreventionConsent.objects.filter(
            person__in=persons, scope__in=[ConsentScope.ALL, ConsentScope.PART]
        ).values_list("person_id", "employer_id", "scope", "lineages")
    }
    holders = {
        person_id: (user_id, email)
        for person_id, user_id, email in User.objects.filter(person__in=persons).values_list(
            "person_id", "pk", "email"
        )
    }

    reminders: list[Reminder] = []
    for t in trainings:
        common = {
            "person_id": t["person_id"],
            "record_lineage": t["lineage"],
            "record_version": t["version"],
            "record_public_id": t["public_id"],
            "training_title": t["title"][:500],
            "valid_until": t["valid_until"],
            "milestone": t["milestone"],
            "due_on": day,
        }
        reminders.append(Reminder(recipient_kind=RecipientKind.HOLDER, **common))
        outcome.by_milestone[t["milestone"]] += 1
        employers = set(employers_of.get(t["person_id"], ()))
        if t["employer_siret"] in by_siret:
            employers.add(by_siret[t["employer_siret"]])
        for employer_id in sorted(employers):
            scope, lineages = consents.get((t["person_id"], employer_id), (None, set()))
            if scope == ConsentScope.ALL or (
                scope == ConsentScope.PART and str(t["lineage"]) in lineages
            ):
                reminders.append(
                    Reminder(
                        recipient_kind=RecipientKind.EMPLOYER, employer_id=employer_id, **common
                    )
                )
    # bulk_create, not core.bulk.bulk_insert: the notifications need the new keys
    # (RETURNING on both backends); a day's reminders are thousands, not millions.
    Reminder.objects.bulk_create(reminders, batch_size=1000)

    employer_ids = {r.employer_id for r in reminders if r.employer_id}
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    organisations = {}
    if employer_ids:
        for organisation_id, user_id, email in (
            Membership.objects.filter(organisation__in=employer_ids, user__is_active=True)
            .order_by("pk")
            .values_list("organisation_id", "user_id", "user__email")
        ):
            members[organisation_id].append((user_id, email))
        organisations = Organisation.objects.in_bulk(employer_ids)

    notifications, messages, reads = [], [], []
    for reminder in reminders:
        if reminder.recipient_kind == RecipientKind.HOLDER:
            outcome.holder_reminders += 1
            notifications.append(Notification(reminder=reminder, person_id=reminder.person_id))
            user_id, email = holders.get(reminder.person_id, (None, ""))
            if email:
                messages.append((reminder, [email], "holder", None))
        else:
            outcome.employer_reminders += 1
            organisation = organisations[reminder.employer_id]
            notifications.extend(
                Notification(reminder=reminder, user_id=user_id)
                for user_id, _email in members[reminder.employer_id]
            )
            emails = sorted({email for _user, email in members[reminder.employer_id] if email})
            if emails:
                messages.append((reminder, emails, "employer", organisation))
            # The employer learns of the holder's training: a read of their data, in the
            # holder's access log.
            reads.append(
                journal.Event(
                    Actor.for_organisation(organisation),
                    "person.read",
                    "followup.Reminder",
                    str(reminder.public_id),
                    reminder.person_id,
                    payload={"what": f"Rappel d'échéance : {reminder.training_title}"},
                )
            )
    Notification.objects.bulk_create(notifications, batch_size=1000)
    journal.append(reads)
    outcome.notifications = len(notifications)
    outcome.emails = sum(len(to) for _r, to, _k, _o in messages)
    if not outcome.dry_run:
        send_after_commit(_build(messages), "expiry_reminders")


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _build(messages) -> list[EmailMultiAlternatives]:
    """The day's e-mails, one per reminder and recipient kind."""
    built = []
    for reminder, to, kind, organisation in messages:
        if kind == "holder":  # the training itself, where its renewal starts
            link = _site(
                reverse(
                    "holder:entry",
                    args=[SLUG_BY_MODEL[PreventionTraining], reminder.record_public_id],
                )
            )
        else:
            link = _site(reverse("pro:followup_board", args=[organisation.public_id]))
        context = {
            "service_name": SERVICE_NAME,
            "reminder": reminder,
            "organisation": organisation,
            "link": link,
            # Sessions of the catalogue that renew it (the holder's own choice to make).
            "sessions_link": _site(search.renewal_path(reminder.training_title))
            if kind == "holder"
            else "",
            "expired": reminder.milestone == Milestone.EXPIRY,
        }
        subject = f"{SERVICE_NAME} : {reminder.message}"
        if kind == "employer":
            subject = f"{SERVICE_NAME} : une formation d'un salarié arrive à échéance"
        message = EmailMultiAlternatives(
            subject=subject[:200],
            body=render_to_string(f"pro/followup/emails/reminder_{kind}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
        message.attach_alternative(
            render_to_string(f"pro/followup/emails/reminder_{kind}.html", context), "text/html"
        )
        built.append(message)
    return built
