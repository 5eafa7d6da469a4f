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


def test_an_organisation_unknown_to_the_service_is_refused(browser):
    OrganisationFactory()
    page = browser.login("proconnect", f"pro:{UNKNOWN_SIRET}:1")
    assert page.status_code == 403
    assert "n'est pas connue de ce service" in html.unescape(page.text)
    assert not Membership.objects.exists()


def test_a_professional_account_cannot_enter_the_holder_space(browser):
    organisation = OrganisationFactory()
    browser.login("proconnect", pro_key(organisation))
    assert browser.get("/mon-espace/").status_code == 403
