"""Claims mapping, acr levels, and what production does not expose."""

import importlib

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from passeport.identity.oidc.claims import HolderClaims, ProfessionalClaims
from passeport.identity.oidc.errors import AcrTooLow, MissingClaims
from passeport.identity.oidc.providers import FranceConnectPlus, ProConnect, pkce_challenge

CLAIMS = {
    "sub": "abc",
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "birthdate": "1962-08-24",
    "gender": "female",
    "birthplace": "75107",
    "birthcountry": "99100",
}


def test_holder_claims_map_to_a_birth_identity():
    identity = HolderClaims.from_claims(CLAIMS).birth_identity()
    assert (identity.birth_name, identity.birth_year, identity.birth_month) == ("DUBOIS", 1962, 8)
    assert (identity.birth_day, identity.sex, identity.birth_commune_code) == (24, "F", "75107")


def test_unknown_month_and_day_come_as_01_and_are_not_held_against_a_match():
    claims = HolderClaims.from_claims({**CLAIMS, "birthdate": "1962-01-01"})
    assert (claims.birth_month, claims.birth_day) == (None, None)
    claims = HolderClaims.from_claims({**CLAIMS, "birthdate": "1962-08-01"})
    assert (claims.birth_month, claims.birth_day) == (8, None)


def test_born_abroad_has_no_birthplace():
    claims = HolderClaims.from_claims({**CLAIMS, "birthplace": "", "birthcountry": "99351"})
    assert (claims.birthplace, claims.birthcountry) == ("", "99351")


@pytest.mark.parametrize(
    "change",
    [
        {"sub": ""},
        {"family_name": None},
        {"birthdate": "24/08/1962"},
        {"gender": "x"},
        {"birthplace": ""},
        {"birthcountry": "France"},
    ],
)
def test_missing_or_malformed_claims_raise_with_a_french_message(change):
    with pytest.raises(MissingClaims) as error:
        HolderClaims.from_claims({**CLAIMS, **change})
    assert "nécessaires" in error.value.message


def test_professional_claims_need_a_siret():
    claims = {"sub": "s", "email": "A@B.FR", "siret": "13002526500013"}
    assert ProfessionalClaims.from_claims(claims).email == "a@b.fr"
    with pytest.raises(MissingClaims) as error:
        ProfessionalClaims.from_claims({**claims, "siret": "123"})
    assert "SIRET" in error.value.message


def test_acr_at_or_above_the_level_asked():
    provider = FranceConnectPlus({"acr": "eidas2"})
    provider.check_acr("eidas2")
    provider.check_acr("eidas3")
    for low in ("eidas1", "", "autre"):
        with pytest.raises(AcrTooLow):
            provider.check_acr(low)
    ProConnect({"acr": ""}).check_acr("")


def test_pkce_s256_challenge_agrees_with_authlibs():
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == create_s256_code_challenge(verifier)


def test_production_settings_do_not_know_the_development_provider():
    base = importlib.import_module("config.settings.base")
    assert not hasattr(base, "DEV_IDP_ENABLED")
    assert all("devidp" not in app for app in base.INSTALLED_APPS)
    assert all("dev-idp" not in p["discovery_url"] for p in base.OIDC_PROVIDERS.values())


@pytest.mark.django_db
def test_production_urls_do_not_mount_the_development_provider():
    from django.urls import clear_url_caches

    import config.urls

    try:
        with override_settings(DEV_IDP_ENABLED=False):
            importlib.reload(config.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                resolve("/dev-idp/franceconnect/.well-known/openid-configuration")
            with pytest.raises(NoReverseMatch):
                reverse("devidp:discovery", args=["franceconnect"])
    finally:
        importlib.reload(config.urls)
        clear_url_caches()
    assert resolve("/dev-idp/franceconnect/jwks").url_name == "jwks"


@pytest.mark.django_db
def test_security_headers_and_csp(client):
    response = client.get("/identity/connexion/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
