"""Invitations and removals are e-mailed (after commit); an organisation keeps at least one
administrator; administrators promote members. From the user's and the attacker's side."""

import pytest
from django.core import mail

from passeport.identity.models import Invitation
from passeport.identity.permissions import (
    can_promote_member,
    can_remove_member,
    is_last_administrator,
)
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    organisation = OrganisationFactory(name="Boulangerie Durand")
    admin = UserFactory(first_name="Claire", last_name="Durand", email="claire@durand.example")
    member = UserFactory(first_name="Paul", last_name="Martin", email="paul@durand.example")
    admin_membership = Membership.objects.create(
        user=admin, organisation=organisation, role="admin"
    )
    membership = Membership.objects.create(user=member, organisation=organisation, role="member")
    return organisation, admin, admin_membership, member, membership


def url(organisation, suffix=""):
    return f"/pro/organisations/{organisation.public_id}/membres/{suffix}"


def test_an_invitation_is_emailed_after_commit(client, org, django_capture_on_commit_callbacks):
    organisation, admin, *_ = org
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url(organisation), {"email": "Lea@Durand.example"})
        assert mail.outbox == []  # nothing before the commit
    assert response.status_code == 302
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["lea@durand.example"]
    assert message.subject == (
        "Invitation à rejoindre Boulangerie Durand sur le Passeport de compétences"
    )
    assert "Claire Durand (claire@durand.example) vous invite" in message.body
    assert f"SIRET {organisation.siret}" in message.body
    assert "http://127.0.0.1:8000/identity/connexion/" in message.body
    assert "ProConnect" in message.body and "lea@durand.example" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="http://127.0.0.1:8000/identity/connexion/">' in html
    assert "<strong>Boulangerie Durand</strong>" in html
    page = client.get(url(organisation))
    assert "Invitation envoyée à lea@durand.example" in page.content.decode()


def test_an_organisation_name_is_escaped_in_the_html_mail(
    client, org, django_capture_on_commit_callbacks
):
    organisation, admin, *_ = org
    organisation.name = "<script>alert(1)</script> & fils"
    organisation.save()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(organisation), {"email": "lea@durand.example"})
    (message,) = mail.outbox
    assert "<script>" not in message.alternatives[0][0]
    assert "&lt;script&gt;" in message.alternatives[0][0]
    assert "<script>alert(1)</script> & fils" in message.body  # plain text: as is


def test_no_mail_for_a_refused_invitation(client, org, django_capture_on_commit_callbacks):
    organisation, admin, _am, member, _m = org
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url(organisation), {"email": member.email})  # already a member
        client.post(url(organisation), {"email": "pas-une-adresse"})
    assert page.status_code == 200
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_non_admin_cannot_send_invitations(client, org, django_capture_on_commit_callbacks):
    organisation, _admin, _am, member, _m = org
    for attacker in (member, UserFactory(), UserFactory(holder=True)):
        client.force_login(attacker)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url(organisation), {"email": "x@evil.example"}).status_code == 403
    assert mail.outbox == []


def test_a_removed_member_is_told_by_mail(client, org, django_capture_on_commit_callbacks):
    organisation, admin, _am, member, membership = org
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(organisation, f"{membership.pk}/retirer/"))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == (
        "Vous n'êtes plus membre de Boulangerie Durand sur le Passeport de compétences"
    )
    assert "Claire Durand (claire@durand.example) vous a retiré de" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_the_last_administrator_cannot_be_removed(org):
    organisation, admin, admin_membership, _member, membership = org
    assert is_last_administrator(admin_membership)
    assert not can_remove_member(admin, admin_membership)
    assert can_remove_member(admin, membership)
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, organisation=organisation, role="admin")
    assert not is_last_administrator(admin_membership)
    assert can_remove_member(admin, admin_membership)  # may leave: someone else remains


def test_removing_the_last_administrator_is_refused_with_a_french_message(
    client, org, django_capture_on_commit_callbacks
):
    organisation, admin, admin_membership, *_ = org
    client.force_login(admin)
    page = client.get(url(organisation))
    assert "Seul administrateur" in page.content.decode()
    assert "Quitter l'organisation" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(organisation, f"{admin_membership.pk}/retirer/"), follow=True)
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
    assert "doit garder au moins un administrateur" in response.content.decode()
    assert mail.outbox == []


def test_two_admins_cannot_leave_the_organisation_without_one(client, org):
    organisation, admin, admin_membership, member, membership = org
    membership.role = "admin"
    membership.save()
    client.force_login(member)
    client.post(url(organisation, f"{admin_membership.pk}/retirer/"))  # removes Claire
    client.force_login(admin)  # Claire's stale page: she is no longer a member
    assert client.post(url(organisation, f"{membership.pk}/retirer/")).status_code == 403
    client.force_login(member)
    client.post(url(organisation, f"{membership.pk}/retirer/"))  # Paul is now the last one
    assert Membership.objects.filter(pk=membership.pk, role="admin").exists()


def test_an_admin_may_leave_when_another_admin_remains(client, org):
    organisation, admin, admin_membership, _member, membership = org
    membership.role = "admin"
    membership.save()
    client.force_login(admin)
    assert "Quitter l'organisation" in client.get(url(organisation)).content.decode()
    response = client.post(url(organisation, f"{admin_membership.pk}/retirer/"))
    assert response.status_code == 302 and response["Location"] == "/pro/"
    assert not Membership.objects.filter(pk=admin_membership.pk).exists()


def test_an_admin_promotes_a_member_journaled(client, org):
    organisation, admin, admin_membership, member, membership = org
    assert can_promote_member(admin, membership)
    assert not can_promote_member(admin, admin_membership)  # already one
    client.force_login(admin)
    page = client.get(url(organisation)).content.decode()
    assert "Nommer administrateur" in page
    response = client.post(url(organisation, f"{membership.pk}/administrateur/"), follow=True)
    membership.refresh_from_db()
    assert membership.role == "admin"
    assert "Paul Martin est maintenant administrateur" in response.content.decode()
    entry = JournalEntry.objects.get(action="identity.member_promoted")
    assert entry.payload["user"] == str(member.public_id)
    assert "Quitter l'organisation" in response.content.decode()  # two admins now


def test_promotion_refused_to_others(client, org):
    organisation, _admin, _am, member, membership = org
    other = OrganisationFactory()
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, organisation=other, role="admin")
    for attacker in (member, UserFactory(holder=True)):
        client.force_login(attacker)
        assert client.post(url(organisation, f"{membership.pk}/administrateur/")).status_code == 403
    client.force_login(other_admin)
    # Their own organisation in the path, someone else's membership: not found.
    promote = f"/pro/organisations/{other.public_id}/membres/{membership.pk}/administrateur/"
    assert client.post(promote).status_code == 404
    client.force_login(member)
    assert client.get(url(organisation, f"{membership.pk}/administrateur/")).status_code == 405
    membership.refresh_from_db()
    assert membership.role == "member"
    assert not JournalEntry.objects.filter(action="identity.member_promoted").exists()


def test_the_invitation_form_error_summary_is_focused(client, org):
    organisation, admin, *_ = org
    client.force_login(admin)
    page = client.post(url(organisation), {"email": "pas-une-adresse"}).content.decode()
    assert 'role="alert" tabindex="-1" autofocus' in page
    assert 'href="#id_email"' in page
    assert "<title>Erreur : Membres" in page
