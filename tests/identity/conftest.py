"""The development provider over real HTTP: a live server runs the whole project (the
relying parties and /dev-idp/), and a requests.Session plays the browser."""

import pytest
from django.core.cache import cache

from tests.identity.helpers import Browser, angela_identity

MODES = {
    "franceconnect": "franceconnect",
    "franceconnect_plus": "franceconnect-plus",
    "proconnect": "proconnect",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dev_idp(live_server, settings):
    """Relying parties pointed at the development provider of the live server."""
    settings.OIDC_PROVIDERS = {
        provider: {
            **settings.OIDC_PROVIDERS[provider],
            "discovery_url": f"{live_server.url}/dev-idp/{mode}/.well-known/openid-configuration",
            "client_id": f"passeport-{mode}",
            "client_secret": f"secret-{mode}",
        }
        for provider, mode in MODES.items()
    }
    return live_server


@pytest.fixture
def browser(dev_idp):
    return Browser(dev_idp.url)


@pytest.fixture
def angela():
    """FranceConnect's test identity « test » (DUBOIS Angela, born 1962 in Paris 7e)."""
    return angela_identity()
