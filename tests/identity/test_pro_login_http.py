"""Professionals log in through the development provider in ProConnect mode."""

import html

import pytest
from django.core import mail

from passeport.identity.devidp.accounts import UNKNOWN_SIRET
from passeport.identity.models import Invitation
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def pro_key(organisation, index=1):
    return f"pro:{organisation.siret}:{index}"


def test_the_first_professional_of_an_organisation_becomes_its_administrator(browser):
    organisation = OrganisationFactory()
    page = browser.login("proconnect", pro_key(organisation))
    assert page.url.endswith("/pro/")
    assert organisation.name in html.unescape(page.text)
    membership = Membership.objects.get()
    assert (membership.organisation, membership.role) == (organisation, "admin")
    assert (
        membership.user.email == f"camille.responsable.{organisation.siret}@demo.passeport.example"
    )


def test_a_colleague_needs_an_invitation_then_gets_in(browser, dev_idp):
    from tests.identity.helpers import Browser

    organisation = OrganisationFactory()
    browser.login("proconnect", pro_key(organisation, 1))
    colleague = Browser(dev_idp.url)
    refused = colleague.login("proconnect", pro_key(organisation, 2))
    assert refused.status_code == 403
    assert "demandez à l'un de ses administrateurs" in html.unescape(refused.text)

    members = browser.get(f"/pro/organisations/{organisation.public_id}/membres/")
    email = f"dominique.collegue.{organisation.siret}@demo.passeport.example"
    invited = browser.post_form(members, {"email": email})
    assert invited.status_code == 200
    assert Invitation.objects.pending().filter(email=email).exists()
    (message,) = mail.outbox  # sent once the request's transaction committed
    assert message.to == [email]
    assert "/identity/connexion/" in message.body

    accepted = Browser(dev_idp.url).login("proconnect", pro_key(organisation, 2))
    assert accepted.url.endswith("/pro/")
    assert Membership.objects.filter(organisation=organisation, role="member").count() == 1
    assert not Invitation.objects.pending().exists()


def test_an_organisation_unknown_to_the_service_may_ask_to_join(browser):
    """Not a dead end: the registration request, with what ProConnect vouched for; an
    operator accepts it, and the requester logs in as the new organisation's administrator."""
    from passeport.identity import registration
    from passeport.organisations.models import Organisation, RegistrationRequest
    from tests.factories import UserFactory

    OrganisationFactory()
    page = browser.login("proconnect", f"pro:{UNKNOWN_SIRET}:1")
    assert page.status_code == 200 and page.url.endswith("/identity/inscription-organisation/")
    text = html.unescape(page.text)
    assert "n'est pas encore connue du service" in text and UNKNOWN_SIRET in text
    assert not Membership.objects.exists()

    refused = browser.post_form(
        page, {"name": "Formations Inconnues", "kinds": "training_provider"}
    )
    assert refused.status_code == 400
    assert "numéro de déclaration d'activité (11 chiffres)" in html.unescape(refused.text)
    sent = browser.post_form(
        refused,
        {"name": "Formations Inconnues", "kinds": ["training_provider", "employer"],
         "nda_number": "11755555575", "message": "Nous formons aux métiers du bâtiment."},
    )  # fmt: skip
    assert sent.url.endswith("/identity/inscription-organisation/envoyee/")
    assert "Demande d'inscription envoyée" in html.unescape(sent.text)
    request = RegistrationRequest.objects.get()
    assert (request.siret, request.status, request.kinds) == (
        UNKNOWN_SIRET, "pending", ["training_provider", "employer"]
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [[request.email]]  # the receipt

    # Asking again while the first request is pending: told so, nothing new.
    again = browser.login("proconnect", f"pro:{UNKNOWN_SIRET}:1")
    again = browser.post_form(again, {"name": "Autre nom", "kinds": "employer"})
    assert "déjà en cours pour ce SIRET" in html.unescape(again.text)
    assert RegistrationRequest.objects.count() == 1

    registration.approve(request, operator=UserFactory(kind="operator", is_staff=True))
    organisation = Organisation.objects.get(siret=UNKNOWN_SIRET)
    assert organisation.is_training_provider and organisation.is_employer
    page = browser.login("proconnect", f"pro:{UNKNOWN_SIRET}:1")
    assert page.url.endswith("/pro/") and "Formations Inconnues" in html.unescape(page.text)
    assert Membership.objects.get(organisation=organisation).role == "admin"


def test_a_professional_account_cannot_enter_the_holder_space(browser):
    organisation = OrganisationFactory()
    browser.login("proconnect", pro_key(organisation))
    assert browser.get("/mon-espace/").status_code == 403
