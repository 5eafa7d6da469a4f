"""The professional home leads each member to every space their organisation's kinds give:
a certifier reaches its accrochage portal, a counsellor its people, admins the members."""

import pytest
from django.urls import reverse

from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _home(client, organisation, role="member"):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client.force_login(user)
    return client.get(reverse("pro:dashboard")).content.decode()


def test_a_certifier_reaches_its_accrochage_portal(client):
    certifier = OrganisationFactory(certifier=True, certifier_id_client="CERTX001")
    page = _home(client, certifier)
    portal = reverse("certifier:submissions", args=[certifier.public_id])
    assert f'href="{portal}"' in page
    assert client.get(portal).status_code == 200
    assert reverse("pro:members", args=[certifier.public_id]) not in page  # not an admin


def test_each_kind_gives_its_spaces_and_admins_manage(client):
    organisation = OrganisationFactory(
        is_employer=True, is_training_provider=True, nda_number="11755555575"
    )
    page = _home(client, organisation, role="admin")
    for name in ("pro:followup_board", "pro:prevention_home", "pro:prevention_reviews",
                 "pro:members", "pro:api_clients"):  # fmt: skip
        assert reverse(name, args=[organisation.public_id]) in page
    assert (
        page.count(f'href="{reverse("pro:prevention_home", args=[organisation.public_id])}"') == 1
    )
    assert "/certificateur/" not in page
