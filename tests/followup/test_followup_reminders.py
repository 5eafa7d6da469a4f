"""send_reminders: 90 / 30 days and expiry, once each, to the holder and (with consent)
to the employer's members, by e-mail and in the service."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction

from passeport.consent.models import PreventionConsent
from passeport.followup.models import Milestone, Notification, RecipientKind, Reminder
from passeport.followup.reminders import send_reminders
from passeport.journal.models import JournalEntry
from passeport.records.enums import RecordStatus
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.timedelta


def holder_reminders():
    return Reminder.objects.filter(recipient_kind=RecipientKind.HOLDER)


def employer_reminders():
    return Reminder.objects.filter(recipient_kind=RecipientKind.EMPLOYER)


def test_each_milestone_is_sent_once_to_holder_and_consenting_employer(
    employer, make_employee, training, day, django_capture_on_commit_callbacks
):
    person = make_employee("all")
    record = training(person, valid_until=day + D(90), title="Sauveteur secouriste du travail")

    with django_capture_on_commit_callbacks(execute=True):
        outcome = send_reminders(day)
    assert (outcome.holder_reminders, outcome.employer_reminders) == (1, 1)
    reminder = holder_reminders().get()
    assert (reminder.milestone, reminder.record_lineage) == (Milestone.DAYS_90, record.lineage)
    assert employer_reminders().get().employer == employer
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["claire@durand.example", "paul@durand.example", "titulaire@example.org"]
    assert "arrive à échéance le" in mail.outbox[0].subject
    # In the service: the holder (by person) and each member (by user).
    assert Notification.objects.filter(person=person).count() == 1
    assert Notification.objects.filter(user__in=[employer.admin, employer.member]).count() == 2
    # The employer learnt of the training: the holder's access log says so.
    read = JournalEntry.objects.get(action="person.read", person_id=person.pk)
    assert read.actor_id == employer.siret and "Rappel d'échéance" in read.payload["what"]

    # Run again the same day, and the next days: nothing new until 30 days are left.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(60):
            send_reminders(day + D(offset))
    assert mail.outbox == [] and holder_reminders().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(day + D(60))
        send_reminders(day + D(60))
    assert sorted(holder_reminders().values_list("milestone", flat=True)) == [30, 90]
    assert len(mail.outbox) == 2  # the holder, the employer's members in one message
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(day + D(90))
    assert sorted(holder_reminders().values_list("milestone", flat=True)) == [0, 30, 90]
    assert "n'est plus valable depuis le" in mail.outbox[-2].subject + mail.outbox[-1].body


def test_catch_up_sends_only_the_most_urgent_milestone(make_employee, training, day):
    person = make_employee("all")
    training(person, valid_until=day + D(20))  # first seen 20 days before: the 30-day one
    training(person, valid_until=day - D(5), kind="AIPR")  # ended while the job was down
    training(person, valid_until=day - D(200), kind="FCO")  # long gone: no reminder now
    training(person, valid_until=day + D(200), kind="PRAP")  # not yet
    send_reminders(day)
    sent = dict(holder_reminders().values_list("training_title", "milestone"))
    assert sent == {"Formation SST": 30, "Formation AIPR": 0}


def test_a_renewal_of_the_same_kind_stops_the_reminders(make_employee, training, day):
    person = make_employee("all")
    training(person, valid_until=day + D(30))
    training(person, valid_until=day + D(30 + 730))  # the MAC done in advance
    training(person, valid_until=day + D(10), kind="")  # unclassified: never "renewed"
    send_reminders(day)
    assert list(holder_reminders().values_list("valid_until", flat=True)) == [day + D(10)]


def test_superseded_and_cancelled_versions_are_not_reminded(make_employee, training, day):
    person = make_employee("all")
    training(person, valid_until=day + D(30), kind="AIPR", status=RecordStatus.CANCELLED)
    training(person, valid_until=day + D(30), status=RecordStatus.SUPERSEDED)
    assert send_reminders(day).holder_reminders == 0


def test_an_expired_status_still_gets_its_expiry_reminder(make_employee, training, day):
    # What records.expire_due leaves the day after the end of validity.
    training(make_employee("all"), valid_until=day - D(1), status=RecordStatus.EXPIRED)
    send_reminders(day)
    assert holder_reminders().get().milestone == Milestone.EXPIRY


@pytest.mark.parametrize("scope", [None, "none", "part"])
def test_employers_without_consent_for_the_training_learn_nothing(
    make_employee, training, day, scope, django_capture_on_commit_callbacks
):
    person = make_employee(scope)
    training(person, valid_until=day + D(30))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = send_reminders(day)
    assert (outcome.holder_reminders, outcome.employer_reminders) == (1, 0)
    assert [m.to for m in mail.outbox] == [["titulaire@example.org"]]
    assert not JournalEntry.objects.filter(action="person.read").exists()


def test_partial_consent_covers_the_chosen_trainings_only(employer, make_employee, training, day):
    person = make_employee("part")
    chosen = training(person, valid_until=day + D(30), kind="SST")
    training(person, valid_until=day + D(30), kind="AIPR")
    PreventionConsent.objects.filter(person=person).update(lineages=[str(chosen.lineage)])
    send_reminders(day)
    assert list(employer_reminders().values_list("record_lineage", flat=True)) == [chosen.lineage]


def test_the_declaring_employer_is_reminded_even_without_a_dsn_period(training, day):
    declaring = OrganisationFactory()
    other = OrganisationFactory()
    person = PersonFactory()
    PreventionConsent.objects.create(person=person, employer=declaring, scope="all")
    PreventionConsent.objects.create(person=person, employer=other, scope="all")
    training(person, valid_until=day + D(30), employer_siret=declaring.siret)
    outcome = send_reminders(day)
    assert outcome.employer_reminders == 1 and employer_reminders().get().employer == declaring
    # No account, no e-mail: the reminder waits in the service for the holder.
    assert outcome.emails == 0 and Notification.objects.filter(person=person).exists()


def test_the_database_refuses_a_second_reminder(make_employee, training, day):
    person = make_employee("all")
    training(person, valid_until=day + D(30))
    send_reminders(day)
    again = Reminder.objects.filter(recipient_kind=RecipientKind.HOLDER).values().get()
    again.pop("id")
    again.pop("public_id")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**again)
    employer_row = employer_reminders().values().get()
    employer_row.pop("id")
    employer_row.pop("public_id")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**employer_row)


def test_dry_run_counts_without_storing_or_sending(
    make_employee, training, day, django_capture_on_commit_callbacks
):
    training(make_employee("all"), valid_until=day + D(30))
    with django_capture_on_commit_callbacks(execute=True):
        outcome = send_reminders(day, dry_run=True)
    assert outcome.holder_reminders == 1 and outcome.emails == 3
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert mail.outbox == []


def test_mails_name_no_nir_and_the_employer_mail_names_no_employee(
    make_employee, training, day, django_capture_on_commit_callbacks
):
    person = make_employee("all", birth_name="Zylberstein")
    training(person, valid_until=day + D(30))
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(day)
    nir = person.reveal_nir()
    for message in mail.outbox:
        text = message.subject + message.body + message.alternatives[0][0]
        assert nir[:13] not in text
        if "titulaire@example.org" not in message.to:
            assert "Zylberstein" not in text and "/prevention/suivi/" in text


def test_command_with_a_date_and_bad_date(make_employee, training, day, capsys):
    training(make_employee("all"), valid_until=day + D(120))
    call_command("send_reminders", "--date", (day + D(30)).isoformat(), "--dry-run")
    assert "1 rappels aux titulaires (1 à 90 jours)" in capsys.readouterr().out
    assert not Reminder.objects.exists()
    call_command("send_reminders", "--date", (day + D(30)).isoformat())
    assert Reminder.objects.count() == 2
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_reminders", "--date", "31/12/2026")


def test_the_holder_is_led_to_sessions_that_renew_the_training(
    client, make_employee, training, day, django_capture_on_commit_callbacks
):
    """The reminder and the entry page lead to the catalogue's sessions of the same kind;
    followed, the link finds a CACES R489 session and not an unrelated one."""
    from django.urls import reverse

    from passeport.catalog.search import renewal_path
    from passeport.records.models import PreventionTraining
    from passeport.records.timeline import SLUG_BY_MODEL
    from passeport.users.models import User
    from tests.catalog import helpers

    person = make_employee("all")
    record = training(person, valid_until=day + D(30), title="CACES R489 catégorie 3")
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(day)
    (to_holder,) = [m for m in mail.outbox if m.to == ["titulaire@example.org"]]
    path = renewal_path("CACES R489 catégorie 3")
    assert path == "/formations/?q=r489"
    assert path in to_holder.body and path in to_holder.alternatives[0][0]

    organisation = helpers.provider()
    helpers.offer(organisation, ref="CAR", title="Chariots élévateurs : CACES® R489")
    helpers.offer(organisation, ref="ANG", title="Anglais professionnel")
    page = client.get(path).content.decode()
    assert "Chariots élévateurs" in page and "Anglais professionnel" not in page

    client.force_login(User.objects.get(person=person))
    slug = SLUG_BY_MODEL[PreventionTraining]
    entry = client.get(reverse("holder:entry", args=[slug, record.public_id])).content.decode()
    assert "Trouver une session pour la renouveler" in entry
    assert 'href="/formations/?q=r489"' in entry
