"""Accessibility details of the identity and professional pages: official FranceConnect
button with its explanation link, a ProConnect button, aria-current, headings order."""

import itertools
import re

import pytest

from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(settings):
    settings.OIDC_PROVIDERS = {
        name: {
            **settings.OIDC_PROVIDERS[name],
            "discovery_url": f"https://idp.example/{name}/.well-known/openid-configuration",
            "client_id": name,
        }
        for name in ("franceconnect", "franceconnect_plus", "proconnect")
    }


def headings(page: str) -> list[int]:
    main = page.split('id="content"', 1)[-1]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def test_login_page_buttons_links_and_headings(client, providers):
    page = client.get("/identity/connexion/").content.decode()
    assert 'class="fr-connect"' in page and 'class="fr-connect fr-connect--plus"' in page
    assert re.search(r"Qu.est-ce que FranceConnect\s\?", page)  # a no-break space
    assert 'href="https://franceconnect.gouv.fr/"' in page
    assert 'id="proconnect-button"' in page and "S'identifier avec ProConnect" in page
    assert "Qu'est-ce que ProConnect ?" in page
    assert re.search(r'href="/identity/connexion/"[^>]*aria-current="page"', page)
    assert headings(page)[:3] == [1, 2, 2]


def test_pro_pages_mark_the_current_space_and_keep_heading_order(client):
    organisation = OrganisationFactory()
    admin = UserFactory()
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    client.force_login(admin)
    dashboard = client.get("/pro/").content.decode()
    assert re.search(r'href="/pro/"[^>]*aria-current="page"', dashboard)
    members = client.get(f"/pro/organisations/{organisation.public_id}/membres/").content.decode()
    assert re.search(r'href="/pro/"[^>]*aria-current="true"', members)
    for page in (dashboard, members):
        levels = headings(page)
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
