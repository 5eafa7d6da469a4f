"""Holders log in through the development provider, over real HTTP (FranceConnect, and
FranceConnect+ with encrypted tokens), and every refusal path says why in French."""

import datetime
import html

import pytest
from django.utils import timezone

from passeport.identity.models import IdentityLink, OidcState
from passeport.journal.models import JournalEntry
from passeport.users.models import User
from tests.identity.helpers import Browser, account_key, person_for

pytestmark = pytest.mark.django_db(transaction=True)


def text(response):
    return html.unescape(response.text)


@pytest.mark.parametrize("provider", ["franceconnect", "franceconnect_plus"])
def test_first_login_asks_consent_then_opens_the_holder_space(browser, angela, provider):
    person = person_for(angela)
    page = browser.login(provider, account_key(angela), accept_terms=False)
    assert page.status_code == 200
    assert page.url.endswith("/identity/conditions-d-utilisation/")
    assert "conditions d'utilisation" in text(page)
    assert not User.objects.exists()

    space = browser.post_form(page, {"accept": "on"})
    assert space.status_code == 200
    assert space.url.endswith("/mon-espace/")
    assert "Bonjour Angela DUBOIS" in text(space)
    person.refresh_from_db()
    assert person.cpf_activated_at is not None
    user = User.objects.get()
    assert user.person == person and user.kind == "holder"
    link = IdentityLink.objects.get()
    assert (link.user, link.provider) == (user, provider)
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"person.cpf_activated", "identity.terms_accepted", "identity.login"} <= actions
    assert person.reveal_nir() not in space.text


def test_consent_is_required_and_refusal_creates_nothing(browser, angela):
    person_for(angela)
    page = browser.login("franceconnect", account_key(angela), accept_terms=False)
    again = browser.post_form(page, {})
    assert again.url.endswith("/identity/conditions-d-utilisation/")
    assert "Cochez la case" in text(again)
    refused = browser.post_form(again, {"refuse": "1"})
    assert "n'a pas été ouvert" in text(refused)
    assert not User.objects.exists()


def test_second_login_goes_straight_in_and_logout_ends_the_provider_session(browser, angela):
    person_for(angela)
    browser.login("franceconnect", account_key(angela))
    logged_out = browser.logout()
    assert logged_out.status_code == 200
    assert "/identity/deconnecte/" in logged_out.url
    assert any("/dev-idp/franceconnect/session/end" in r.url for r in logged_out.history)
    assert "Vous êtes déconnecté" in text(logged_out)
    assert browser.get("/mon-espace/").url.startswith(f"{browser.base_url}/identity/connexion/")

    again = browser.login("franceconnect", account_key(angela))
    assert again.url.endswith("/mon-espace/")
    assert User.objects.count() == 1


@pytest.mark.parametrize("alg", ["RSA-OAEP", "ECDH-ES"])
def test_franceconnect_plus_tokens_are_encrypted_to_our_published_keys(
    browser, angela, settings, alg
):
    settings.DEV_IDP_ENCRYPTION_ALG = alg
    person_for(angela)
    space = browser.login("franceconnect_plus", account_key(angela))
    assert space.url.endswith("/mon-espace/")
    jwks = browser.get("/identity/jwks").json()
    assert {key["alg"] for key in jwks["keys"]} == {"RSA-OAEP", "ECDH-ES"}
    assert all("d" not in key for key in jwks["keys"])  # public halves only


def test_an_identity_matching_no_one_gets_a_french_page_without_nir(browser, angela):
    person_for(angela, birth_day=25)  # someone else
    page = browser.login("franceconnect", account_key(angela))
    assert page.status_code == 403
    assert "Nous n'avons retrouvé aucun dossier" in text(page)
    assert "Que faire" in text(page)
    assert not User.objects.exists()
    entry = JournalEntry.objects.get(action="identity.login_refused")
    assert entry.payload == {"provider": "franceconnect", "code": "no_match"}


def test_an_identity_matching_several_persons_is_refused(browser, angela):
    person_for(angela)
    person_for(angela)
    page = browser.login("franceconnect", account_key(angela))
    assert page.status_code == 403
    assert "Plusieurs dossiers correspondent" in text(page)


REFUSALS = [
    ("missing_sub", 400, "pas transmis toutes les informations"),
    ("http_401", 502, "ne répond pas ou rencontre un problème"),
    ("http_500", 502, "ne répond pas ou rencontre un problème"),
    ("http_502", 502, "ne répond pas ou rencontre un problème"),
    ("http_503", 502, "ne répond pas ou rencontre un problème"),
    ("html", 502, "ne répond pas ou rencontre un problème"),
    ("bad_signature", 400, "n'a pas pu être vérifiée"),
    ("expired", 400, "n'a pas pu être vérifiée"),
    ("wrong_nonce", 400, "n'a pas pu être vérifiée"),
    ("wrong_audience", 400, "n'a pas pu être vérifiée"),
    ("userinfo_mismatch", 400, "n'a pas pu être vérifiée"),
]


@pytest.mark.parametrize(("scenario", "status", "message"), REFUSALS)
def test_provider_failures_and_forged_tokens_are_refused(
    browser, angela, scenario, status, message
):
    person_for(angela)
    page = browser.login("franceconnect_plus", account_key(angela), scenario=scenario)
    assert page.status_code == status
    assert message in text(page)
    assert not User.objects.exists()


def test_a_slow_provider_times_out(browser, angela, settings):
    settings.OIDC_HTTP_TIMEOUT = 0.5
    person_for(angela)
    page = browser.login("franceconnect", account_key(angela), scenario="slow")
    assert page.status_code == 502
    assert "ne répond pas" in text(page)


def test_an_acr_below_the_level_asked_is_refused(browser, angela):
    person_for(angela)
    page = browser.login("franceconnect_plus", account_key(angela), scenario="acr_low")
    assert page.status_code == 403
    assert "niveau de garantie" in text(page)


def test_cancelling_at_the_provider(browser, angela):
    page = browser.get("/identity/connexion/franceconnect/")
    cancelled = browser.post_form(page, {"cancel": "1"})
    assert cancelled.status_code == 400
    assert "interrompue chez le fournisseur" in text(cancelled)


def _callback_url(browser, angela):
    """Stops at the provider's redirect back to us: the callback URL with code and state."""
    person_for(angela)
    page = browser.get("/identity/connexion/franceconnect/")
    response = browser.session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": page.text.split('name="csrfmiddlewaretoken" value="')[1].split(
                '"'
            )[0],
            "account": account_key(angela),
        },
        headers={"Referer": page.url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_replayed_state_is_refused(browser, angela):
    url = _callback_url(browser, angela)
    assert browser.get(url).status_code == 200
    replay = browser.get(url)
    assert replay.status_code == 400
    assert "déjà été utilisée" in text(replay)


def test_a_tampered_state_is_refused(browser, angela):
    url = _callback_url(browser, angela)
    page = browser.get(url.replace("state=", "state=x"))
    assert page.status_code == 400
    assert "n'est pas reconnue" in text(page)


def test_a_state_started_in_another_browser_is_refused(browser, angela, dev_idp):
    url = _callback_url(browser, angela)
    page = Browser(dev_idp.url).get(url)
    assert page.status_code == 400
    assert "n'est pas reconnue" in text(page)
    assert not User.objects.exists()


def test_an_expired_state_is_refused(browser, angela):
    url = _callback_url(browser, angela)
    OidcState.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    page = browser.get(url)
    assert page.status_code == 400
    assert "a expiré" in text(page)
