"""Corrections, cancellation, the employer's verification, deemed verification and the
reprise rule (`prevention.lifecycle`), on declarations made by the real Declarer."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.journal.verification import verify_journal
from passeport.prevention import deadlines, lifecycle
from passeport.prevention.enums import DeclarantRole, LineStatus, ReviewStatus
from passeport.prevention.models import Declaration, DeclarationLine
from passeport.records.enums import RecordStatus
from passeport.records.models import PreventionTraining
from tests.factories import OrganisationFactory

from .helpers import member
from .lifecycle_builders import adf, declare, fr, jdr, old_end, recent_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(provider):
    return Actor.for_organisation(provider)


def records_of(line):
    return list(
        PreventionTraining.objects.filter(lineage=line.lineage, person=line.person).order_by(
            "version"
        )
    )


# --- Corrections ----------------------------------------------------------------------


def test_correcting_a_line_makes_a_new_version_with_its_reason(
    referentials, provider, persons, actor
):
    (line,) = declare(provider, [adf(persons[0])])
    until = recent_end() + datetime.timedelta(days=730)
    result = lifecycle.correct_line(
        line,
        changes={"DATE_FIN_VALIDITE": until},
        reason="Date de fin de validité oubliée",
        actor=actor,
    )
    first, second = records_of(line)
    assert (first.status, second.status) == (RecordStatus.SUPERSEDED, RecordStatus.ACTIVE)
    assert second.version == 2 and second.valid_until == until
    assert second.status_reason == "Date de fin de validité oubliée"
    assert result.records == [second]
    line.refresh_from_db()
    assert line.valid_until == until
    revised = JournalEntry.objects.get(action="record.revised")
    assert revised.payload["reason"] == "Date de fin de validité oubliée"
    corrected = JournalEntry.objects.get(action="prevention.line_corrected")
    assert corrected.object_id == str(line.public_id)
    assert corrected.person_id == line.person_id
    assert verify_journal().intact


def test_a_correction_follows_the_rules_of_a_new_declaration(
    referentials, provider, persons, actor
):
    (line,) = declare(provider, [adf(persons[0])])
    before = line.valid_from - datetime.timedelta(days=5)
    with pytest.raises(lifecycle.LifecycleError) as error:
        lifecycle.correct_line(
            line, changes={"DATE_DEBUT_VALIDITE": before}, reason="Erreur", actor=actor
        )
    assert error.value.errors[0].column == "DATE_DEBUT_VALIDITE"
    assert "commence avant la fin de la formation" in error.value.errors[0].message
    with pytest.raises(lifecycle.LifecycleError) as error:
        lifecycle.correct_line(
            line,
            changes={"SIRET_EMPLOYEUR": "12345678901234", "PRESENCE_EMPLOYEUR": True},
            reason="Erreur",
            actor=actor,
        )
    assert error.value.errors[0].column == "SIRET_EMPLOYEUR"
    assert len(records_of(line)) == 1  # nothing written


def test_reason_is_mandatory_and_nothing_changed_is_said(referentials, provider, persons, actor):
    (line,) = declare(provider, [adf(persons[0])])
    with pytest.raises(lifecycle.LifecycleError, match="motif"):
        lifecycle.correct_line(
            line, changes={"DATE_FIN_VALIDITE": line.valid_from}, reason="  ", actor=actor
        )
    with pytest.raises(lifecycle.LifecycleError, match="Rien n'a changé"):
        lifecycle.correct_line(
            line, changes={"DATE_FIN_VALIDITE": None}, reason="Rien", actor=actor
        )


def test_identity_columns_are_not_corrected(referentials, provider, persons, actor):
    (line,) = declare(provider, [adf(persons[0])])
    for column in ("NIR", "ID_UNIQUE_PARTENAIRE", "NOM_FORMATION"):
        with pytest.raises(lifecycle.LifecycleError, match="ne se corrigent pas"):
            lifecycle.correct_line(line, changes={column: "X"}, reason="Erreur", actor=actor)


def test_correcting_the_training_block_revises_every_active_line(
    referentials, provider, persons, actor
):
    lines = declare(provider, [adf(person) for person in persons])
    lifecycle.cancel_line(lines[2], reason="Absent", actor=actor)
    lifecycle.correct_declaration(
        lines[0].declaration,
        changes={"NOM_FORMATION": "Sauveteur secouriste du travail — formation initiale"},
        reason="Intitulé précisé",
        actor=actor,
    )
    for line in lines[:2]:
        assert records_of(line)[-1].title == "Sauveteur secouriste du travail — formation initiale"
        assert records_of(line)[-1].version == 2
    assert records_of(lines[2])[-1].status == RecordStatus.CANCELLED  # untouched
    declaration = Declaration.objects.get(pk=lines[0].declaration_id)
    assert declaration.title == "Sauveteur secouriste du travail — formation initiale"
    assert JournalEntry.objects.filter(action="prevention.declaration_corrected").count() == 1


def test_corrected_dates_move_the_deadlines(referentials, provider, persons, actor):
    (line,) = declare(provider, [adf(persons[0])])
    old = old_end()
    lifecycle.correct_declaration(
        line.declaration,
        changes={
            "DATE_DEBUT_FORMATION": old - datetime.timedelta(days=1),
            "DATE_FIN_FORMATION": old,
        },
        reason="Mauvaise session",
        actor=actor,
    )
    # The validity may no longer start before the end of training: still after it.
    declaration = Declaration.objects.get(pk=line.declaration_id)
    assert declaration.deadline_from == old
    assert declaration.declare_before == deadlines.declare_before(DeclarantRole.PROVIDER, old)
    assert declaration.late  # declared today, long after the corrected training's deadline
    line.refresh_from_db()
    assert line.late


def test_resending_the_old_line_is_a_double_declaration_the_corrected_one_a_duplicate(
    referentials, provider, persons, actor
):
    from passeport.prevention.enums import Channel
    from passeport.prevention.services import DUPLICATE, REJECTED, Declarer

    original = adf(persons[0])
    (line,) = declare(provider, [original])
    until = recent_end() + datetime.timedelta(days=365)
    lifecycle.correct_line(
        line, changes={"DATE_FIN_VALIDITE": until}, reason="Fin de validité", actor=actor
    )
    declarer = Declarer("ADF", provider, DeclarantRole.PROVIDER, Channel.WEB)
    again = declarer.declare([(2, declarer.rules.row_from_mapping(original))])
    assert again[0].status == REJECTED
    assert "Double déclaration" in again[0].errors[0].message
    corrected = {**original, "DATE_FIN_VALIDITE": fr(until)}
    same = declarer.declare([(2, declarer.rules.row_from_mapping(corrected))])
    assert same[0].status == DUPLICATE


def test_jdr_line_correction(referentials, provider, persons, actor):
    (line,) = declare(provider, [jdr(persons[0])], kind="JDR")
    lifecycle.correct_line(
        line,
        changes={"RESULTAT_OBTENU": "Admis avec mention", "MENTION_OBTENUE": "Très bien"},
        reason="Mention oubliée",
        actor=actor,
    )
    latest = records_of(line)[-1]
    assert (latest.result, latest.mention) == ("Admis avec mention", "Très bien")
    with pytest.raises(lifecycle.LifecycleError, match="ne se corrigent pas"):
        (adf_line,) = declare(provider, [adf(persons[1])])
        lifecycle.correct_line(
            adf_line, changes={"RESULTAT_OBTENU": "Admis"}, reason="Non", actor=actor
        )


# --- Cancellation ---------------------------------------------------------------------


def test_cancelling_a_line_keeps_its_partner_id_taken(referentials, provider, persons, actor):
    from passeport.prevention.enums import Channel
    from passeport.prevention.services import REJECTED, Declarer

    values = adf(persons[0])
    (line,) = declare(provider, [values])
    lifecycle.cancel_line(line, reason="Stagiaire absent", actor=actor)
    line.refresh_from_db()
    assert line.status == LineStatus.CANCELLED
    (record,) = records_of(line)
    assert record.status == RecordStatus.CANCELLED and record.status_reason == "Stagiaire absent"
    with pytest.raises(lifecycle.LifecycleError, match="déjà annulée"):
        lifecycle.cancel_line(line, reason="Encore", actor=actor)
    with pytest.raises(lifecycle.LifecycleError, match="annulée"):
        lifecycle.correct_line(
            line, changes={"DATE_FIN_VALIDITE": None}, reason="Trop tard", actor=actor
        )
    declarer = Declarer("ADF", provider, DeclarantRole.PROVIDER, Channel.WEB)
    other = {**values, "REFERENCE_DECLARATION": "AUTRE"}
    assert declarer.declare([(2, declarer.rules.row_from_mapping(other))])[0].status == REJECTED


def test_cancelling_a_declaration_cancels_its_active_lines(referentials, provider, persons, actor):
    lines = declare(provider, [adf(person) for person in persons])
    lifecycle.cancel_line(lines[0], reason="Absent", actor=actor)
    assert (
        lifecycle.cancel_declaration(lines[0].declaration, reason="Session annulée", actor=actor)
        == 2
    )
    assert not DeclarationLine.objects.filter(status=LineStatus.ACTIVE).exists()
    assert lifecycle.is_cancelled(lines[0].declaration)
    assert set(PreventionTraining.objects.values_list("status", flat=True)) == {
        RecordStatus.CANCELLED
    }
    with pytest.raises(lifecycle.LifecycleError, match="motif"):
        lifecycle.cancel_declaration(lines[0].declaration, reason="", actor=actor)


def test_expired_entry_can_still_be_corrected(referentials, provider, persons, actor, system_actor):
    from passeport.records import services as records

    end = old_end()
    (line,) = declare(
        provider,
        [adf(persons[0], end=end, DATE_FIN_VALIDITE=fr(end + datetime.timedelta(days=30)))],
    )
    records.expire_due(timezone.localdate(), actor=system_actor)
    assert records_of(line)[0].status == RecordStatus.EXPIRED
    lifecycle.correct_line(
        line,
        changes={"DATE_FIN_VALIDITE": end + datetime.timedelta(days=3 * 365)},
        reason="Validité de 3 ans",
        actor=actor,
    )
    assert records_of(line)[-1].valid_until == end + datetime.timedelta(days=3 * 365)


# --- The employer's verification ------------------------------------------------------


def test_provider_line_with_employer_is_pending_until_its_deadline(
    referentials, provider, employer, persons
):
    (line,) = declare(provider, [adf(persons[0], employer)])
    assert line.review_status == ReviewStatus.PENDING
    assert line.review_deadline == deadlines.review_before(recent_end())
    today = timezone.localdate()
    assert lifecycle.effective_review_status(line, today) == ReviewStatus.PENDING
    after = line.review_deadline + datetime.timedelta(days=1)
    assert lifecycle.effective_review_status(line, line.review_deadline) == ReviewStatus.PENDING
    assert lifecycle.effective_review_status(line, after) == ReviewStatus.DEEMED_VERIFIED
    assert lifecycle.review_open(line, line.review_deadline)
    assert not lifecycle.review_open(line, after)


def test_employer_confirms(referentials, provider, employer, persons, employer_user):
    (line,) = declare(provider, [adf(persons[0], employer)])
    lifecycle.confirm(line, organisation=employer, user=employer_user)
    line.refresh_from_db()
    assert line.review_status == ReviewStatus.CONFIRMED
    assert line.reviewed_by == employer_user and line.reviewed_at is not None
    entry = JournalEntry.objects.get(action="prevention.review_confirmed")
    assert entry.payload["organisation"] == employer.name
    assert employer.name in entry.actor_label


def test_employer_asks_for_a_correction_then_provider_corrects(
    referentials, provider, employer, persons, employer_user, actor
):
    (line,) = declare(provider, [adf(persons[0], employer)])
    with pytest.raises(lifecycle.LifecycleError, match="Décrivez"):
        lifecycle.request_correction(line, organisation=employer, user=employer_user, message=" ")
    lifecycle.request_correction(
        line, organisation=employer, user=employer_user, message="La formation a duré 2 jours."
    )
    line.refresh_from_db()
    assert line.review_status == ReviewStatus.CORRECTION_REQUESTED
    with pytest.raises(lifecycle.LifecycleError, match="déjà demandée"):
        lifecycle.request_correction(line, organisation=employer, user=employer_user, message="Bis")
    messages = lifecycle.correction_messages([line])
    assert messages[str(line.public_id)].message == "La formation a duré 2 jours."
    # Silence does not settle a line whose employer asked for a correction.
    late = line.review_deadline + datetime.timedelta(days=1)
    assert lifecycle.effective_review_status(line, late) == ReviewStatus.CORRECTION_REQUESTED
    assert lifecycle.settle_reviews(late) == 0
    # The provider corrects: the employer verifies the new version.
    lifecycle.correct_declaration(
        line.declaration,
        changes={"DATE_DEBUT_FORMATION": recent_end() - datetime.timedelta(days=2)},
        reason="Durée corrigée à la demande de l'employeur",
        actor=actor,
    )
    line.refresh_from_db()
    assert line.review_status == ReviewStatus.PENDING and line.reviewed_by is None


def test_review_refused_outside_its_rules(
    referentials, provider, employer, persons, employer_user, actor
):
    stranger = OrganisationFactory()
    (line,) = declare(provider, [adf(persons[0], employer)])
    with pytest.raises(lifecycle.LifecycleError, match="n'a pas à vérifier"):
        lifecycle.confirm(line, organisation=stranger, user=member(stranger))
    late = line.review_deadline + datetime.timedelta(days=1)
    with pytest.raises(lifecycle.LifecycleError, match="réputée vérifiée"):
        lifecycle.confirm(line, organisation=employer, user=employer_user, today=late)
    (without,) = declare(provider, [adf(persons[1], declaration_id="SANS")])
    assert without.review_status == ReviewStatus.NOT_APPLICABLE
    with pytest.raises(lifecycle.LifecycleError, match="n'a pas à vérifier"):
        lifecycle.confirm(without, organisation=employer, user=employer_user)
    lifecycle.cancel_line(line, reason="Erreur", actor=actor)
    with pytest.raises(lifecycle.LifecycleError, match="annulée"):
        lifecycle.confirm(line, organisation=employer, user=employer_user)


def test_permissions(referentials, provider, employer, persons, provider_user, employer_user):
    from tests.factories import UserFactory

    (line,) = declare(provider, [adf(persons[0], employer)])
    stranger = member(OrganisationFactory())
    holder = UserFactory(holder=True)
    assert lifecycle.can_manage_declarations(provider_user, provider)
    assert not lifecycle.can_manage_declarations(employer_user, provider)
    assert not lifecycle.can_manage_declarations(stranger, provider)
    assert not lifecycle.can_manage_declarations(holder, provider)
    assert lifecycle.can_review_line(employer_user, line)
    assert not lifecycle.can_review_line(provider_user, line)
    assert not lifecycle.can_review_line(stranger, line)


def test_employer_declaring_itself_has_nothing_to_review(referentials, employer, persons):
    (line,) = declare(employer, [adf(persons[0], employer)], role=DeclarantRole.EMPLOYER)
    assert line.review_status == ReviewStatus.NOT_APPLICABLE


def test_settle_command_is_idempotent_and_journaled(referentials, provider, employer, persons):
    old, recent = declare(
        provider,
        [
            adf(persons[0], employer, end=old_end(), declaration_id="OLD"),
            adf(persons[1], employer, declaration_id="NEW"),
        ],
    )
    call_command("settle_prevention_reviews")
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.review_status == ReviewStatus.DEEMED_VERIFIED
    assert recent.review_status == ReviewStatus.PENDING
    entry = JournalEntry.objects.get(action="prevention.review_deemed_verified")
    assert entry.object_id == str(old.public_id) and entry.actor_kind == "system"
    call_command("settle_prevention_reviews")
    assert JournalEntry.objects.filter(action="prevention.review_deemed_verified").count() == 1
    # --date: the day after the recent one's deadline settles it too; --dry-run counts.
    day = (recent.review_deadline + datetime.timedelta(days=1)).isoformat()
    call_command("settle_prevention_reviews", "--date", day, "--dry-run")
    recent.refresh_from_db()
    assert recent.review_status == ReviewStatus.PENDING
    call_command("settle_prevention_reviews", "--date", day)
    recent.refresh_from_db()
    assert recent.review_status == ReviewStatus.DEEMED_VERIFIED
    assert verify_journal().intact


def test_history_names_organisations(
    referentials, provider, employer, persons, employer_user, provider_user
):
    (line,) = declare(provider, [adf(persons[0], employer)])
    lifecycle.request_correction(
        line, organisation=employer, user=employer_user, message="Mauvaise date"
    )
    lifecycle.correct_line(
        line,
        changes={"DATE_FIN_VALIDITE": recent_end() + datetime.timedelta(days=700)},
        reason="Date corrigée",
        actor=lifecycle.member_actor(provider_user, provider),
    )
    items = lifecycle.history(lines=[line])
    assert [item.action for item in items] == [
        "prevention.review_correction_requested",
        "prevention.line_corrected",
    ]
    assert [item.organisation for item in items] == [employer.name, provider.name]
    assert items[1].reason == "Date corrigée"
    assert provider_user.get_full_name() in items[1].actor


# --- Reprise ---------------------------------------------------------------------------


def test_reprise_window():
    day = datetime.date(2026, 5, 10)  # quarter ends 30 June 2026, after mass import opened
    window = lifecycle.reprise_window(day)
    assert window.provider_deadline == datetime.date(2026, 9, 30)
    assert window.opens_on == datetime.date(2026, 10, 1)
    assert window.closes_on == datetime.date(2026, 12, 31)
    assert window.state_on(datetime.date(2026, 9, 30)) == "not_yet"
    assert window.state_on(datetime.date(2026, 10, 1)) == "open"
    assert window.state_on(datetime.date(2027, 1, 1)) == "closed"


def test_employer_reprise_stays_when_the_provider_declares_later(
    referentials, provider, employer, persons
):
    """The rule: an employer's declaration after the provider's deadline is accepted; a
    later declaration of the same training by the provider is accepted too, both are
    kept and the employer sees the provider's next to its own."""
    end = timezone.localdate() - datetime.timedelta(days=200)
    (own,) = declare(
        employer,
        [adf(persons[0], employer, end=end, declaration_id="REPRISE")],
        role=DeclarantRole.EMPLOYER,
    )
    declaration = own.declaration
    if timezone.localdate() > deadlines.declare_before(DeclarantRole.PROVIDER, end):
        assert lifecycle.is_reprise(declaration)
    assert lifecycle.provider_duplicates(declaration) == []
    (theirs,) = declare(provider, [adf(persons[0], employer, end=end, declaration_id="TARD")])
    assert theirs.declaration.late or not lifecycle.is_reprise(declaration)
    assert lifecycle.provider_duplicates(declaration) == [theirs]
    assert PreventionTraining.objects.filter(person=persons[0], status="active").count() == 2
    # Another trainee or another training is not a duplicate.
    assert lifecycle.provider_duplicates(theirs.declaration) == []
