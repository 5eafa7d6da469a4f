"""Expired login attempts and API tokens are purged: by the daily command, and at most
once per interval when a login starts or a token is asked for."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from passeport.api import services as api_services
from passeport.api.models import ApiToken
from passeport.identity import state as oidc_state
from passeport.identity.models import OidcState
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state(minutes_ago, used=False):
    return OidcState.objects.create(
        state_hash=f"{minutes_ago:064d}"[-64:] if not used else f"u{minutes_ago:063d}",
        provider="franceconnect",
        nonce="n",
        code_verifier="v",
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        used_at=timezone.now() if used else None,
    )


@pytest.fixture
def api_client():
    organisation = OrganisationFactory()
    admin = UserFactory()
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    return api_services.create_client(
        organisation, name="Paie", scopes=["prevention:declare"], created_by=admin
    )


def _token(client, minutes_left):
    return ApiToken.objects.create(
        token_hash=f"{minutes_left + 1000:064d}",
        client=client,
        scopes=["prevention:declare"],
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes_left),
    )


def test_the_command_purges_expired_states_and_tokens_only(api_client, capsys):
    client, _secret = api_client
    old, old_used, recent = _state(25), _state(30, used=True), _state(5)
    expired, valid = _token(client, -1), _token(client, 5)

    call_command("purge_expired", "--dry-run")
    assert "Connexions en cours expirées à supprimer : 2" in capsys.readouterr().out
    assert OidcState.objects.count() == 3 and ApiToken.objects.count() == 2

    call_command("purge_expired")
    out = capsys.readouterr().out
    assert "Connexions en cours expirées supprimées : 2 ; jetons d'API expirés supprimés : 1" in out
    assert list(OidcState.objects.all()) == [recent]
    assert list(ApiToken.objects.all()) == [valid]
    assert not OidcState.objects.filter(pk__in=[old.pk, old_used.pk]).exists()
    assert not ApiToken.objects.filter(pk=expired.pk).exists()


def test_a_login_start_purges_at_most_once_per_interval(settings):
    settings.PURGE_EXPIRED_INTERVAL = 600
    cache.clear()
    _state(25)
    oidc_state.start({}, "franceconnect")
    assert OidcState.objects.count() == 1  # the old one purged, the new one kept
    _state(26)
    oidc_state.start({}, "franceconnect")
    assert OidcState.objects.count() == 3  # within the interval: no second purge
    cache.clear()  # the interval has passed
    oidc_state.start({}, "franceconnect")
    assert OidcState.objects.count() == 3  # 26-minute-old one purged, one more started


def test_no_opportunistic_purge_when_disabled(settings):
    settings.PURGE_EXPIRED_INTERVAL = 0
    cache.clear()
    _state(25)
    oidc_state.start({}, "franceconnect")
    assert OidcState.objects.count() == 2


def test_a_token_request_purges_expired_tokens(api_client, settings):
    settings.PURGE_EXPIRED_INTERVAL = 600
    cache.clear()
    client, secret = api_client
    expired = _token(client, -1)
    api_services.issue_token(client.client_id, secret, None)
    assert not ApiToken.objects.filter(pk=expired.pk).exists()
    assert ApiToken.objects.count() == 1
