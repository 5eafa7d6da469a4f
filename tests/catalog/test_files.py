"""The training file's lifecycle: states, who may move them, reasons, deadlines in French
working days, and the rights moving in the ledger (reserve, debit, release)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from passeport.catalog import deadlines, files
from passeport.catalog.enums import BillingState, FileState, ReasonCode
from passeport.catalog.models import FileNotice, FileTransition
from passeport.catalog.workdays import add_working_days, is_working_day
from passeport.cpf import ledger
from passeport.cpf.enums import MovementKind
from passeport.journal.models import JournalEntry
from passeport.records.enums import Assurance, SourceKind
from passeport.records.models import Training as TrainingRecord
from tests.cpf.helpers import account_with
from tests.factories import PersonFactory

from .helpers import (
    PROVIDER_ACTOR,
    SYSTEM,
    billable_file,
    holder_actor,
    offer,
    provider,
    validated_file,
)

pytestmark = pytest.mark.django_db


def test_french_working_days_skip_weekends_and_public_holidays():
    assert not is_working_day(datetime.date(2026, 12, 25))  # Noël, a Friday
    assert not is_working_day(datetime.date(2026, 5, 14))  # Ascension
    # Thursday 24 Dec 2026 + 2 working days: Fri 25 (Noël) and the weekend skipped.
    assert add_working_days(datetime.date(2026, 12, 24), 2) == datetime.date(2026, 12, 29)


def test_the_whole_lifecycle_moves_the_rights_and_adds_a_guaranteed_training():
    person = PersonFactory(email="titulaire@example.fr")
    account = account_with(person, 300_000)
    org = provider()
    _, _, session = offer(org, price_cents=200_000)
    today = timezone.localdate()

    file = files.apply(person, session, actor=holder_actor(person), today=today)
    assert file.state == FileState.NOT_PROCESSED
    assert file.act_before == add_working_days(today, 2)
    start = add_working_days(today, 11)
    file = files.validate(
        file,
        actor=PROVIDER_ACTOR,
        today=today,
        price_cents=200_000,
        start_date=start,
        end_date=start + datetime.timedelta(days=30),
        hours=300,
    )
    assert file.act_before == add_working_days(today, 4)

    file = files.accept(file, actor=holder_actor(person), today=today, paid_cents=10_320)
    assert file.state == FileState.ACCEPTED
    assert (file.rights_cents, file.contribution_cents, file.card_cents) == (189_680, 10_320, 0)
    assert ledger.balances(account).reserved == 189_680

    file = files.declare_entry(file, actor=PROVIDER_ACTOR, entered_on=start, today=start)
    balances = ledger.balances(account)
    assert (balances.reserved, balances.rights) == (0, 300_000 - 189_680)
    file = files.declare_exit(
        file,
        actor=PROVIDER_ACTOR,
        exited_on=start + datetime.timedelta(days=30),
        reason=ReasonCode.EXIT_COMPLETED,
        today=start + datetime.timedelta(days=31),
    )
    file = files.declare_service_done(
        file,
        actor=PROVIDER_ACTOR,
        completion_percent=100,
        absence_hours=0,
        certification_obtained=None,
        today=start + datetime.timedelta(days=31),
    )
    assert file.state == FileState.SERVICE_DONE_DECLARED
    later = add_working_days(start + datetime.timedelta(days=31), 6)
    outcome = deadlines.enforce(later)
    assert outcome.moved[FileState.SERVICE_DONE_DECLARED] == 1
    file.refresh_from_db()
    assert file.state == FileState.SERVICE_DONE_VALIDATED
    assert file.billing == BillingState.TO_BILL
    record = TrainingRecord.objects.get(person=person)
    assert record.source_kind == SourceKind.MON_COMPTE_FORMATION
    assert record.assurance == Assurance.GUARANTEED and record.funded_by_cpf
    assert record.source_reference == file.reference
    states = list(FileTransition.objects.filter(file=file).values_list("to_state", flat=True))
    assert states == [
        "not_processed",
        "validated",
        "accepted",
        "in_training",
        "terminated",
        "service_done_declared",
        "service_done_validated",
    ]
    assert JournalEntry.objects.filter(action__startswith="catalog.file_").count() == 7
    kinds = list(account.movements.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == [MovementKind.RESERVATION, MovementKind.DEBIT]
    assert ledger.verify_account(account) == []


def test_the_holder_is_told_by_notice_and_e_mail_when_asked_to_act(
    django_capture_on_commit_callbacks,
):
    person = PersonFactory(email="titulaire@example.fr")
    _, _, session = offer(provider())
    with django_capture_on_commit_callbacks(execute=True):
        file = validated_file(person, session)
    notice = FileNotice.objects.get(file=file, person=person)
    assert f"avant le {file.act_before:%d/%m/%Y}" in notice.text
    sent = [m for m in mail.outbox if "titulaire@example.fr" in m.to]
    assert len(sent) == 1 and file.reference in sent[0].subject


def test_cancelling_after_acceptance_releases_the_rights():
    person = PersonFactory()
    account = account_with(person, 300_000)
    _, _, session = offer(provider(), price_cents=100_000)
    file = validated_file(person, session)
    file = files.accept(
        file, actor=holder_actor(person), today=timezone.localdate(), paid_cents=10_320
    )
    assert ledger.balances(account).reserved == 89_680
    file = files.end(
        file,
        FileState.CANCELED_BY_HOLDER,
        actor=holder_actor(person),
        reason=ReasonCode.HOLDER_PERSONAL,
    )
    assert ledger.balances(account).reserved == 0
    assert ledger.balances(account).available == 300_000
    assert file.reason_code == ReasonCode.HOLDER_PERSONAL


def test_an_unanswered_request_is_cancelled_by_the_job_once():
    person = PersonFactory()
    _, _, session = offer(provider())
    today = timezone.localdate()
    file = files.apply(person, session, actor=holder_actor(person), today=today)
    assert deadlines.enforce(file.act_before).moved[FileState.NOT_PROCESSED] == 0
    day_after = file.act_before + datetime.timedelta(days=1)
    assert deadlines.enforce(day_after).moved[FileState.NOT_PROCESSED] == 1
    assert deadlines.enforce(day_after).moved[FileState.NOT_PROCESSED] == 0  # idempotent
    file.refresh_from_db()
    assert file.state == FileState.CANCELED_WITHOUT_FOLLOW_UP
    assert file.reason_code == ReasonCode.NO_ANSWER
    assert FileNotice.objects.filter(file=file, person=person).exists()


def test_a_proposal_not_accepted_in_time_is_cancelled_and_prerequisites_give_30_days():
    person = PersonFactory()
    _, _, session = offer(provider(), prerequisites=True)
    today = timezone.localdate()
    file = files.apply(person, session, actor=holder_actor(person), today=today)
    assert file.act_before == today + datetime.timedelta(days=30)
    file = validated_file(PersonFactory(), session)
    deadlines.enforce(file.act_before + datetime.timedelta(days=1))
    file.refresh_from_db()
    assert (file.state, file.reason_code) == (
        FileState.CANCELED_WITHOUT_FOLLOW_UP,
        ReasonCode.NOT_ACCEPTED,
    )


def test_who_may_do_what():
    person = PersonFactory()
    _, _, session = offer(provider())
    today = timezone.localdate()
    file = files.apply(person, session, actor=holder_actor(person), today=today)
    start = add_working_days(today, 11)
    with pytest.raises(files.FileError, match="ne pouvez pas"):
        files.validate(
            file,
            actor=holder_actor(person),
            today=today,
            price_cents=1000,
            start_date=start,
            end_date=start,
            hours=1,
        )
    with pytest.raises(files.FileError, match="11 jours ouvrés"):
        files.validate(
            file,
            actor=PROVIDER_ACTOR,
            today=today,
            price_cents=1000,
            start_date=add_working_days(today, 10),
            end_date=start,
            hours=1,
        )
    with pytest.raises(files.FileError, match="motif"):
        files.end(file, FileState.REFUSED_BY_PROVIDER, actor=PROVIDER_ACTOR, reason="")
    with pytest.raises(files.FileError, match="ne peut pas devenir"):
        files.declare_entry(file, actor=PROVIDER_ACTOR, entered_on=today, today=today)
    with pytest.raises(files.FileError, match="ne pouvez pas"):
        files.end(
            file, FileState.CANCELED_WITHOUT_FOLLOW_UP, actor=PROVIDER_ACTOR, reason="no_answer"
        )
    with pytest.raises(files.FileError, match="déjà un dossier"):
        files.apply(person, session, actor=holder_actor(person), today=today)


def test_acceptance_is_refused_when_rights_no_longer_cover_the_plan():
    person = PersonFactory()
    account = account_with(person, 100_000)
    _, _, session = offer(provider(), price_cents=100_000)
    first = validated_file(person, session)
    _, _, other = offer(provider(), ref="F2", price_cents=100_000)
    second = validated_file(person, other)
    today = timezone.localdate()
    files.accept(first, actor=holder_actor(person), today=today, paid_cents=10_320)
    with pytest.raises(files.FileError, match="reste à payer a changé"):
        files.accept(second, actor=holder_actor(person), today=today, paid_cents=10_320)
    assert ledger.balances(account).reserved == 89_680
    second.refresh_from_db()
    assert second.state == FileState.VALIDATED


def test_partial_completion_without_certification_adds_no_passport_entry():
    person = PersonFactory()
    account_with(person, 300_000)
    _, _, session = offer(provider(), price_cents=100_000)
    today = timezone.localdate()
    file = validated_file(person, session)
    file = files.accept(file, actor=holder_actor(person), today=today, paid_cents=10_320)
    start = file.start_date
    files.declare_entry(file, actor=PROVIDER_ACTOR, entered_on=start, today=start)
    files.declare_exit(
        file, actor=PROVIDER_ACTOR, exited_on=start, reason=ReasonCode.EXIT_ABANDONED, today=start
    )
    files.declare_service_done(
        file,
        actor=PROVIDER_ACTOR,
        completion_percent=40,
        absence_hours=10,
        certification_obtained=None,
        today=start,
    )
    file = files.validate_service_done(file, actor=SYSTEM)
    assert files.paid_to_provider_cents(file) == 40_000
    assert not TrainingRecord.objects.filter(person=person).exists()


def _done_in_part(person, exit_reason, percent):
    _, _, session = offer(provider(), price_cents=100_000)
    return billable_file(person, session, completion=percent, exit_reason=exit_reason)


@pytest.mark.parametrize(
    ("reason", "setting", "given_back"),
    [
        (ReasonCode.EXIT_FORCE_MAJEURE, False, True),
        (ReasonCode.EXIT_ABANDONED, False, False),
        (ReasonCode.EXIT_ABANDONED, True, True),
    ],
)
def test_the_part_not_done_goes_back_to_the_holder(settings, reason, setting, given_back):
    settings.CATALOG_RECREDIT_AFTER_ABANDONMENT = setting
    person = PersonFactory()
    account = account_with(person, 300_000)
    file = _done_in_part(person, reason, 40)
    debited = -sum(
        account.movements.filter(kind=MovementKind.DEBIT).values_list("amount", flat=True)
    )
    assert debited == 100_000 - 10_320  # the price, less the holder's flat participation
    recredits = account.movements.filter(kind=MovementKind.RECREDIT)
    back = list(recredits.values_list("amount", flat=True))
    # 40 % done: 60 % of the debit comes back (the share kept is rounded down).
    assert back == ([debited - debited * 40 // 100] if given_back else [])
    assert ledger.balances(account).available == 300_000 - debited + sum(back)
    assert ledger.verify_account(account) == []
    if given_back:  # once per file, whatever calls it again
        ledger.recredit(account, reference=file.reference, percent_done=40, actor=SYSTEM)
        assert recredits.count() == 1


def test_the_holder_reads_why_rights_came_back(client):
    from django.urls import reverse

    from passeport.users.models import User
    from tests.factories import UserFactory

    user = UserFactory(holder=True)
    account_with(user.person, 300_000)
    file = _done_in_part(user.person, ReasonCode.EXIT_FORCE_MAJEURE, 75)
    client.force_login(User.objects.get(pk=user.pk))
    page = client.get(reverse("holder:rights")).content.decode()
    assert "Droits recrédités : formation réalisée en partie" in page
    assert f"{file.reference} : réalisée à 75 %" in page


def test_a_control_stops_the_automatic_validation_until_lifted():
    from passeport.journal.actors import Actor, ActorKind

    operator = Actor(ActorKind.OPERATOR, "op", "Opératrice")
    person = PersonFactory()
    account_with(person, 300_000)
    _, _, session = offer(provider(), price_cents=100_000)
    today = timezone.localdate()
    file = files.accept(
        validated_file(person, session), actor=holder_actor(person), today=today, paid_cents=10_320
    )
    start = file.start_date
    files.declare_entry(file, actor=PROVIDER_ACTOR, entered_on=start, today=start)
    files.declare_exit(
        file, actor=PROVIDER_ACTOR, exited_on=start, reason=ReasonCode.EXIT_COMPLETED, today=start
    )
    files.declare_service_done(
        file,
        actor=PROVIDER_ACTOR,
        completion_percent=100,
        absence_hours=0,
        certification_obtained=None,
        today=start,
    )
    with pytest.raises(files.FileError):
        files.set_control(file, actor=PROVIDER_ACTOR, opened=True)
    files.set_control(file, actor=operator, opened=True)
    later = add_working_days(start, 10)
    assert deadlines.enforce(later).moved[FileState.SERVICE_DONE_DECLARED] == 0
    files.set_control(file, actor=operator, opened=False)
    assert deadlines.enforce(later).moved[FileState.SERVICE_DONE_DECLARED] == 1


def test_the_deadline_job_is_a_periodic_task_run_hourly():
    from huey.contrib.djhuey import HUEY

    task_class = HUEY._registry.string_to_task(
        "passeport.catalog.tasks.enforce_training_file_deadlines"
    )
    start = datetime.datetime(2026, 12, 7)
    moments = (start + datetime.timedelta(minutes=m) for m in range(24 * 60))
    assert sum(1 for moment in moments if task_class().validate_datetime(moment)) == 24
