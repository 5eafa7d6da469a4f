"""Over the limit, the login start, the callback and the token endpoint answer 429 in
French with Retry-After; the limit is per client address."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limit_window")]

LOGIN_START = "/identity/connexion/franceconnect/"
CALLBACK = "/identity/retour/franceconnect/?code=x&state=y"
TOKEN = "/api/oauth/token"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.IDENTITY_RATE_LIMIT = "3/m"
    settings.API_TOKEN_RATE_LIMIT = "3/m"


@pytest.mark.parametrize("url", [LOGIN_START, CALLBACK])
def test_login_start_and_callback_are_limited(client, url):
    for _ in range(3):
        assert client.get(url).status_code != 429
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Trop de tentatives" in response.content.decode()
    assert "Patientez une minute" in response.content.decode()
    # Another address is not affected.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code != 429


def test_the_limits_are_counted_apart(client):
    for _ in range(3):
        client.get(LOGIN_START)
    assert client.get(LOGIN_START).status_code == 429
    assert client.get(CALLBACK).status_code != 429


def test_the_token_endpoint_is_limited_even_with_wrong_credentials(client):
    data = {"grant_type": "client_credentials", "client_id": "pp_x", "client_secret": "guess"}
    for _ in range(3):
        assert client.post(TOKEN, data).status_code == 401
    response = client.post(TOKEN, data)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "error": "slow_down",
        "error_description": "Trop de demandes : patientez une minute.",
    }
    assert client.post(TOKEN, data, REMOTE_ADDR="192.0.2.7").status_code == 401
