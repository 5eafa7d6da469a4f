"""A certifier authorises a provider in its space; then the provider's certifying
training is accepted. Another organisation's member, or a fiche that does not name the
certifier, gets nothing."""

import pytest
from django.urls import reverse

from passeport.catalog import offers
from passeport.catalog.models import CertifierAuthorisation
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from tests.catalog.helpers import fiche, offer, provider
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _member(organisation):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    return user


def test_the_certifier_authorises_a_provider_who_then_publishes(client):
    certifier = OrganisationFactory(certifier=True)
    fiche(certifier=certifier)
    fiche(code="RS5286", title="TOEIC", certifier=OrganisationFactory(certifier=True))
    org = provider()
    with pytest.raises(offers.OfferError):
        offer(org, code="RNCP37827")
    client.force_login(_member(certifier))
    url = reverse("certifier:authorisations", args=[certifier.public_id])
    refused = client.post(url, {"code": "RS5286", "provider_siret": org.siret})
    assert refused.status_code == 200 and not CertifierAuthorisation.objects.exists()
    client.post(url, {"code": "RNCP37827", "provider_siret": org.siret})
    authorisation = CertifierAuthorisation.objects.get()
    training, _, _ = offer(org, code="RNCP37827")
    assert training.certification_code == "RNCP37827"
    client.post(
        reverse("certifier:authorisation_revoke", args=[certifier.public_id, authorisation.pk])
    )
    with pytest.raises(offers.OfferError):
        offer(org, ref="F2", code="RNCP37827")


def test_another_organisation_does_not_reach_a_certifiers_space(client):
    certifier = OrganisationFactory(certifier=True)
    other = OrganisationFactory(certifier=True)
    client.force_login(_member(other))
    url = reverse("certifier:authorisations", args=[certifier.public_id])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(holder=True))
    assert client.get(url).status_code == 404
