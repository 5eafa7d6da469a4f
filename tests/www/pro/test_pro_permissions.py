"""Members management, tested from the attacker's side."""

import pytest

from passeport.identity.models import Invitation
from passeport.identity.permissions import (
    can_manage_members,
    can_remove_member,
    can_view_holder_space,
    can_view_organisation,
)
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    organisation = OrganisationFactory()
    admin, member = UserFactory(), UserFactory()
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    membership = Membership.objects.create(user=member, organisation=organisation, role="member")
    return organisation, admin, member, membership


def test_permissions_from_every_side(org):
    from django.contrib.auth.models import AnonymousUser

    organisation, admin, member, membership = org
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=OrganisationFactory(), role="admin")
    holder = UserFactory(holder=True)
    assert can_manage_members(admin, organisation)
    assert can_remove_member(admin, membership)
    assert not can_remove_member(admin, admin.memberships.get())  # the last administrator
    for attacker in (member, outsider, holder, AnonymousUser()):
        assert not can_manage_members(attacker, organisation)
        assert not can_remove_member(attacker, membership)
    assert can_view_organisation(member, organisation)
    assert not can_view_organisation(outsider, organisation)
    assert can_view_holder_space(holder) and not can_view_holder_space(admin)


def test_members_page_refuses_non_admins(client, org):
    organisation, _admin, member, membership = org
    url = f"/pro/organisations/{organisation.public_id}/membres/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for attacker in (member, UserFactory(), UserFactory(holder=True)):
        client.force_login(attacker)
        assert client.get(url).status_code == 403
        remove = f"{url}{membership.pk}/retirer/"
        assert client.post(remove).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_invites_removes_and_revokes(client, org):
    organisation, admin, _member, membership = org
    client.force_login(admin)
    url = f"/pro/organisations/{organisation.public_id}/membres/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "New@Example.fr"}).status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.fr"
    again = client.post(url, {"email": "new@example.fr"})
    assert "déjà en attente" in again.content.decode()
    client.post(
        f"/pro/organisations/{organisation.public_id}/invitations/{invitation.public_id}/retirer/"
    )
    assert not Invitation.objects.pending().exists()
    client.post(f"{url}{membership.pk}/retirer/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_of_another_organisation_cannot_reach_this_one(client, org):
    _organisation, _admin, _member, membership = org
    other = OrganisationFactory()
    other_admin = UserFactory()
    Membership.objects.create(user=other_admin, organisation=other, role="admin")
    client.force_login(other_admin)
    # Their own organisation id in the path, someone else's membership id: not found.
    url = f"/pro/organisations/{other.public_id}/membres/{membership.pk}/retirer/"
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
