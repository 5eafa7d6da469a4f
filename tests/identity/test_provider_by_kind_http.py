"""Which kind of account may use which provider is data (PROVIDERS_BY_KIND): a holder
does not get in through ProConnect, a professional not through FranceConnect — over real
HTTP, with a French page saying which way in is theirs."""

import html

import pytest

from passeport.identity import services
from passeport.identity.models import IdentityLink
from passeport.identity.oidc.claims import ProfessionalClaims
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Membership
from passeport.users.enums import PROVIDERS_BY_KIND, UserKind
from passeport.users.models import User
from tests.factories import OrganisationFactory, UserFactory
from tests.identity.helpers import account_key, person_for

pytestmark = pytest.mark.django_db(transaction=True)


def text(response):
    return html.unescape(response.text)


def pro_email(organisation, given="camille", usual="responsable"):
    return f"{given}.{usual}.{organisation.siret}@demo.passeport.example"


def test_a_holder_s_address_through_proconnect_is_refused(browser):
    organisation = OrganisationFactory()
    holder = UserFactory(holder=True, email=pro_email(organisation).upper())
    page = browser.login("proconnect", f"pro:{organisation.siret}:1")
    assert page.status_code == 403
    assert "celui d'un titulaire de passeport : il se connecte avec FranceConnect" in text(page)
    assert list(User.objects.all()) == [holder]  # no professional twin
    assert not Membership.objects.exists()
    assert not IdentityLink.objects.exists()
    entry = JournalEntry.objects.get(action="identity.login_refused")
    assert entry.payload == {"provider": "proconnect", "code": "wrong_provider_for_kind"}
    assert browser.get("/pro/").url.startswith(f"{browser.base_url}/identity/connexion/")


def test_a_holder_account_linked_to_proconnect_is_refused(browser):
    """Even a (forged or stale) link from a ProConnect account to a holder user."""
    from passeport.identity.devidp.accounts import professional_accounts

    organisation = OrganisationFactory()
    account = next(a for a in professional_accounts() if a.key == f"pro:{organisation.siret}:1")
    holder = UserFactory(holder=True)
    IdentityLink.objects.create(user=holder, provider="proconnect", sub=account.claims["sub"])
    page = browser.login("proconnect", account.key)
    assert page.status_code == 403
    assert "il se connecte avec FranceConnect" in text(page)
    assert browser.get("/mon-espace/").url.startswith(f"{browser.base_url}/identity/connexion/")


def test_a_professional_account_through_franceconnect_is_refused(browser, angela):
    person = person_for(angela)
    UserFactory(kind=UserKind.PROFESSIONAL, person=person)  # a professional on that person
    page = browser.login("franceconnect", account_key(angela))
    assert page.status_code == 403
    assert "celui d'un professionnel : il se connecte avec ProConnect" in text(page)
    assert browser.get("/pro/").url.startswith(f"{browser.base_url}/identity/connexion/")


def test_a_professional_s_address_through_franceconnect_never_opens_the_pro_account(
    browser, angela
):
    """FranceConnect resolves holders by birth identity, never by e-mail: the holder gets
    their own passport, not the professional account under the same address."""
    organisation = OrganisationFactory()
    professional = UserFactory(email=angela.email)
    Membership.objects.create(user=professional, organisation=organisation, role="admin")
    person_for(angela)
    space = browser.login("franceconnect", account_key(angela))
    assert space.url.endswith("/mon-espace/")
    assert browser.get("/pro/").status_code == 403
    holder = User.objects.get(kind=UserKind.HOLDER)
    assert holder.pk != professional.pk
    assert not IdentityLink.objects.filter(user=professional).exists()


def test_an_operator_s_address_through_proconnect_is_refused_at_the_service_level():
    organisation = OrganisationFactory()
    UserFactory(kind=UserKind.OPERATOR, identity_provider="django", email="ops@example.fr")
    claims = ProfessionalClaims(
        sub="s",
        email="ops@example.fr",
        given_name="",
        usual_name="",
        uid="",
        siret=organisation.siret,
    )
    with pytest.raises(services.WrongProviderForKind) as error:
        services.resolve_professional("proconnect", claims)
    assert "page d'administration" in error.value.message


def test_every_kind_has_its_message():
    assert set(services.WrongProviderForKind.MESSAGES) == set(PROVIDERS_BY_KIND)
