"""Grants to counselling organisations: an explicit state machine with its transition
log, expiry by an idempotent scheduled command, the action plan."""

import datetime
import io

import pytest
from django.core.management import call_command

from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.orientation import grants, plans
from passeport.orientation.enums import GrantScope, GrantStatus, StepStatus
from passeport.orientation.models import CounsellingGrant
from tests.factories import OrganisationFactory

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def holder_actor(holder):
    return Actor.for_user(holder)


def _grant(holder, organisation, actor, days=30, scopes=(GrantScope.ORIENTATION,)):
    return grants.grant_access(
        holder.person,
        organisation,
        scopes=list(scopes),
        ends_on=TODAY + datetime.timedelta(days=days),
        actor=actor,
        today=TODAY,
    )


def test_granting_then_revoking_logs_each_transition(holder, counselling, holder_actor):
    grant = _grant(holder, counselling, holder_actor)
    assert grant.status == GrantStatus.ACTIVE and grant.is_effective(TODAY)
    grants.revoke(grant, actor=holder_actor)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED and not grant.is_effective(TODAY)
    steps = [(t.from_status, t.to_status, t.actor_kind) for t in grant.transitions.all()]
    assert steps == [("", "active", "holder"), ("active", "revoked", "holder")]
    actions = list(
        JournalEntry.objects.filter(object_id=str(grant.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["orientation.grant_active", "orientation.grant_revoked"]


def test_transitions_name_who_may_trigger_them(holder, counselling, holder_actor):
    grant = _grant(holder, counselling, holder_actor)
    with pytest.raises(grants.GrantError):  # the system does not revoke
        grants.transition(grant, GrantStatus.REVOKED, actor=grants.SYSTEM)
    with pytest.raises(grants.GrantError):  # a holder does not expire a grant
        grants.transition(grant, GrantStatus.EXPIRED, actor=holder_actor)
    grants.revoke(grant, actor=holder_actor)
    with pytest.raises(grants.GrantError, match="ne peut pas devenir"):
        grants.revoke(grant, actor=holder_actor)


def test_one_grant_in_force_per_organisation_and_checks(holder, counselling, holder_actor):
    _grant(holder, counselling, holder_actor)
    with pytest.raises(grants.GrantError, match="déjà en cours"):
        _grant(holder, counselling, holder_actor)
    with pytest.raises(grants.GrantError, match="au plus"):
        _grant(holder, OrganisationFactory(counselling=True), holder_actor, days=400)
    with pytest.raises(grants.GrantError, match="pas un service d'accompagnement"):
        _grant(holder, OrganisationFactory(), holder_actor)
    with pytest.raises(grants.GrantError, match="au moins une partie"):
        _grant(holder, OrganisationFactory(counselling=True), holder_actor, scopes=())


def test_expiry_is_a_scheduled_idempotent_command(holder, counselling, holder_actor):
    grant = _grant(holder, counselling, holder_actor, days=10)
    last_day = TODAY + datetime.timedelta(days=10)
    assert grant.is_effective(last_day)
    # Past its last day, a grant shows nothing even before the command runs.
    assert not grant.is_effective(last_day + datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("expire_orientation_grants", date=last_day, stdout=out)
    assert "0 accès" in out.getvalue()
    call_command(
        "expire_orientation_grants",
        date=last_day + datetime.timedelta(days=1),
        dry_run=True,
        stdout=out,
    )
    assert CounsellingGrant.objects.get(pk=grant.pk).status == GrantStatus.ACTIVE
    for _ in range(2):
        call_command(
            "expire_orientation_grants", date=last_day + datetime.timedelta(days=1), stdout=out
        )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.EXPIRED
    assert [t.to_status for t in grant.transitions.all()] == ["active", "expired"]
    assert grant.transitions.last().actor_kind == "system"


def test_the_plan_is_written_by_counsellors_and_kept_for_the_holder(
    holder, counselling, holder_actor
):
    grant = _grant(holder, counselling, holder_actor)
    counsellor = Actor("professional", "x", "Camille Conseil, Mission locale de Lille")
    step = plans.add_step(grant, title="Bilan de compétences", actor=counsellor)
    plans.set_status(step, StepStatus.DONE, actor=counsellor)
    with pytest.raises(plans.PlanError):
        plans.add_step(grant, title="  ", actor=counsellor)
    grants.revoke(grant, actor=holder_actor)
    steps = list(plans.steps_for(holder.person))
    assert [(s.title, s.status) for s in steps] == [("Bilan de compétences", "done")]
    assert (
        JournalEntry.objects.filter(
            person_id=holder.person.pk, action__startswith="orientation.plan_step_"
        ).count()
        == 2
    )


def test_the_holders_data_export_includes_orientation(client, holder, counselling, holder_actor):
    _grant(holder, counselling, holder_actor)
    client.force_login(holder)
    data = client.get("/mon-espace/mes-donnees/mon-passeport.json").json()
    assert data["orientation_acces_conseillers"][0]["organisation"] == "Mission locale de Lille"
    assert data["orientation_metiers_vises"] == []
