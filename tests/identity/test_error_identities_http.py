"""FranceConnect's error identities (error-mock-identities.csv) on the development
provider: picking one reproduces its failure, over real HTTP, and the relying party
answers with a French page, creating nothing."""

import html

import pytest

from passeport.identity.devidp.accounts import ERROR_IDENTITY_SCENARIOS, error_accounts
from passeport.journal.models import JournalEntry
from passeport.users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def text(response):
    return html.unescape(response.text)


def test_every_error_identity_of_the_file_is_offered_with_its_failure():
    accounts = {account.key.removeprefix("fc-error:"): account for account in error_accounts("x")}
    assert {"E010001", "E010017", "E020001", "E020023", "E000001"} <= set(accounts)
    for identifier, scenario in ERROR_IDENTITY_SCENARIOS.items():
        assert accounts[identifier].scenario == scenario
    assert accounts["E010004"].scenario == "provider_error_page"  # RNIPP check
    assert accounts["E020001"].scenario == ""
    # Claims the file leaves empty are not sent (E020002: no gender, no birth date).
    assert "gender" not in accounts["E020002"].claims
    assert "birthdate" not in accounts["E020002"].claims


def test_the_authorize_page_lists_them_apart(browser):
    page = browser.get("/identity/connexion/franceconnect/")
    assert 'label="Identités d\'erreur de FranceConnect (défaillances)"' in text(page)
    assert "E020005 — Réponse sans identifiant (sub)" in text(page)


FAILURES = [
    ("franceconnect", "E020005", 400, "pas transmis toutes les informations"),  # no sub
    ("franceconnect_plus", "E020005", 400, "pas transmis toutes les informations"),
    ("franceconnect", "E020008", 502, "ne répond pas ou rencontre un problème"),  # 401
    ("franceconnect", "E020009", 502, "ne répond pas ou rencontre un problème"),  # 500
    ("franceconnect_plus", "E020011", 502, "ne répond pas ou rencontre un problème"),  # 503
    ("franceconnect", "E020007", 502, "ne répond pas ou rencontre un problème"),  # HTML
    ("franceconnect", "E020021", 400, "interrompue chez le fournisseur"),  # no code
    ("franceconnect", "E020022", 400, "n'est pas reconnue"),  # another state
    ("franceconnect", "E020002", 400, "pas transmis toutes les informations"),  # no gender
    ("franceconnect", "E020003", 400, "pas transmis toutes les informations"),  # "nowhere"
]


@pytest.mark.parametrize(("provider", "identifier", "status", "message"), FAILURES)
def test_an_error_identity_reproduces_its_failure(browser, provider, identifier, status, message):
    page = browser.login(provider, f"fc-error:{identifier}")
    assert page.status_code == status, text(page)[:300]
    assert message in text(page)
    assert "Recommencer la connexion" in text(page)
    assert not User.objects.exists()
    assert JournalEntry.objects.filter(action="identity.login_refused").exists()


def test_a_slow_error_identity_times_out(browser, settings):
    settings.OIDC_HTTP_TIMEOUT = 0.5  # the provider sleeps DEV_IDP_SLOW_SECONDS (2 s)
    page = browser.login("franceconnect", "fc-error:E020018")
    assert page.status_code == 502
    assert "ne répond pas ou rencontre un problème" in text(page)
    assert not User.objects.exists()


def test_an_rnipp_error_stays_at_the_provider(browser):
    page = browser.login("franceconnect", "fc-error:E010001")
    assert page.status_code == 200
    assert "/dev-idp/franceconnect/authorize" in page.url
    assert "ne revient pas vers le service" in text(page)


def test_a_scenario_picked_on_the_page_does_not_override_the_identity_s_own(browser):
    page = browser.login("franceconnect", "fc-error:E020009", scenario="html")
    assert page.status_code == 502


def test_an_error_identity_without_failure_logs_in_or_not_on_its_claims(browser):
    # E020001 has full claims and no failure: nobody matches it here.
    page = browser.login("franceconnect", "fc-error:E020001")
    assert page.status_code == 403
    assert "Nous n'avons retrouvé aucun dossier" in text(page)
