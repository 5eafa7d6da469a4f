"""The counsellor's side, tested from the attacker's: another holder, another
counsellor, an expired grant, a revoked grant, an anonymous visitor, a holder. Every
read by a counsellor is in the holder's access log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from passeport.orientation import grants
from passeport.orientation.enums import GrantScope, GrantStatus
from passeport.orientation.models import ActionStep, SavedTarget
from passeport.referentials.models import RomeCode
from tests.factories import OrganisationFactory, UserFactory

from .conftest import it_passport


@pytest.fixture
def grant(holder, counselling):
    it_passport(holder.person)
    SavedTarget.objects.create(person=holder.person, rome=RomeCode.objects.get(code="M1805"))
    return grants.grant_access(
        holder.person,
        counselling,
        scopes=[GrantScope.CAREER, GrantScope.ORIENTATION],
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        actor=Actor.for_user(holder),
    )


def _urls(grant):
    org = grant.organisation.public_id
    return {
        "detail": reverse("pro:counselling_grant", args=[org, grant.public_id]),
        "gap": reverse("pro:counselling_gap", args=[org, grant.public_id, "M1805"]),
    }


def test_the_counsellor_sees_what_was_shared_and_each_read_is_journaled(
    client, grant, counsellor, holder
):
    client.force_login(counsellor)
    listing = client.get(reverse("pro:counselling_list", args=[grant.organisation.public_id]))
    assert listing.status_code == 200
    page = client.get(_urls(grant)["detail"])
    assert page.status_code == 200
    html = page.content.decode()
    assert holder.person.birth_name in html
    assert "Développeur informatique" in html  # career: shared
    # Certifications are not shared: the evidence they give keeps its rule, not its title.
    assert "Administrateur système" not in html
    assert "Diplôme ou certification (entrée non partagée)" in html
    assert "Métiers visés" in html
    gap = client.get(_urls(grant)["gap"])
    assert gap.status_code == 200 and "Ce qui lui manque" in gap.content.decode()
    reads = JournalEntry.objects.filter(person_id=holder.person.pk, action="person.read")
    assert reads.count() == 2
    assert all("Mission locale de Lille (accompagnement)" in r.payload["what"] for r in reads)
    assert all(r.actor_label == "Camille Conseil, Mission locale de Lille" for r in reads)
    # …and the holder sees them in the access log and on the grant's page.
    client.force_login(holder)
    log = client.get(reverse("holder:my_data")).content.decode()
    assert "Mission locale de Lille (accompagnement)" in log
    page = client.get(reverse("holder:orientation_grant", args=[grant.public_id]))
    assert "écart au métier" in page.content.decode()


def test_the_counsellor_writes_a_plan_the_holder_reads(client, grant, counsellor, holder):
    client.force_login(counsellor)
    url = reverse("pro:counselling_step_add", args=[grant.organisation.public_id, grant.public_id])
    client.post(url, {"title": "Rencontrer un développeur", "due_on": "2030-01-15"})
    step = ActionStep.objects.get(person=holder.person)
    client.post(
        reverse(
            "pro:counselling_step_update",
            args=[grant.organisation.public_id, grant.public_id, step.public_id],
        ),
        {"action": "status", "status": "in_progress"},
    )
    step.refresh_from_db()
    assert step.status == "in_progress" and "Camille Conseil" in step.author_label
    client.force_login(holder)
    page = client.get(reverse("holder:orientation_grant", args=[grant.public_id]))
    assert "Rencontrer un développeur" in page.content.decode()


def test_another_counsellor_sees_nothing(client, grant):
    other = OrganisationFactory(counselling=True)
    user = UserFactory()
    Membership.objects.create(user=user, organisation=other, role=MembershipRole.ADMIN)
    client.force_login(user)
    org = grant.organisation.public_id
    # Not a member of the grant's organisation: refused before anything is looked up.
    assert client.get(reverse("pro:counselling_list", args=[org])).status_code == 403
    for url in _urls(grant).values():
        assert client.get(url).status_code == 403
    # Through its own organisation's URLs, the grant does not exist.
    url = reverse("pro:counselling_grant", args=[other.public_id, grant.public_id])
    assert client.get(url).status_code == 404
    step = reverse("pro:counselling_step_add", args=[other.public_id, grant.public_id])
    assert client.post(step, {"title": "x"}).status_code == 404
    assert not JournalEntry.objects.filter(action="person.read").exists()


def test_an_expired_grant_shows_nothing_even_before_the_daily_job(client, grant, counsellor):
    type(grant).objects.filter(pk=grant.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=40),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(counsellor)
    for url in _urls(grant).values():
        assert client.get(url).status_code == 403
    grants.expire_due()
    grant.refresh_from_db()
    assert grant.status == GrantStatus.EXPIRED
    for url in _urls(grant).values():
        assert client.get(url).status_code == 403
    listing = client.get(reverse("pro:counselling_list", args=[grant.organisation.public_id]))
    assert (
        grant.person.birth_name[:1] + "."
        not in listing.content.decode().split("Accès en cours")[1].split("</table>")[0]
    )
    assert not JournalEntry.objects.filter(action="person.read").exists()


def test_a_revoked_grant_shows_nothing(client, grant, counsellor, holder):
    client.force_login(holder)
    client.post(reverse("holder:orientation_grant_revoke", args=[grant.public_id]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED
    client.force_login(counsellor)
    for url in _urls(grant).values():
        assert client.get(url).status_code == 403
    step = reverse("pro:counselling_step_add", args=[grant.organisation.public_id, grant.public_id])
    assert client.post(step, {"title": "Trop tard"}).status_code == 403
    assert not ActionStep.objects.exists()


def test_a_part_not_shared_stays_hidden(client, grant, counsellor, holder):
    grants.revoke(grant, actor=Actor.for_user(holder))
    narrow = grants.grant_access(
        holder.person,
        grant.organisation,
        scopes=[GrantScope.CAREER],
        ends_on=timezone.localdate() + datetime.timedelta(days=5),
        actor=Actor.for_user(holder),
    )
    client.force_login(counsellor)
    assert client.get(_urls(narrow)["gap"]).status_code == 403
    html = client.get(_urls(narrow)["detail"]).content.decode()
    assert "Métiers visés" not in html and "Profil de compétences" not in html


def test_anonymous_visitors_and_holders_are_refused(client, grant, other_holder_client):
    for url in _urls(grant).values():
        response = client.get(url)
        assert response.status_code == 302 and "/identity/" in response["Location"]
    for url in _urls(grant).values():
        assert other_holder_client.get(url).status_code == 403


def test_another_holder_cannot_reach_this_holders_orientation(grant, other_holder_client, holder):
    from passeport.orientation import profile as profiles
    from passeport.orientation.models import JobMatch

    profiles.build(holder.person)
    match = JobMatch.objects.get(person=holder.person)
    target = SavedTarget.objects.get(person=holder.person)
    for url, method in (
        (reverse("holder:orientation_grant", args=[grant.public_id]), "get"),
        (reverse("holder:orientation_grant_revoke", args=[grant.public_id]), "post"),
        (reverse("holder:orientation_job", args=[match.public_id]), "get"),
        (reverse("holder:orientation_job", args=[match.public_id]), "post"),
        (reverse("holder:orientation_remove_target", args=[target.public_id]), "post"),
    ):
        assert getattr(other_holder_client, method)(url).status_code == 404, url
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACTIVE
    assert SavedTarget.objects.filter(pk=target.pk).exists()


@pytest.mark.django_db
def test_professionals_do_not_reach_the_holder_pages(client, counsellor):
    client.force_login(counsellor)
    assert client.get(reverse("holder:orientation_home")).status_code == 403
