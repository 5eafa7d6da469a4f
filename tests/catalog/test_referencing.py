"""The referencing rules: NDA, Qualiopi at the session's start, certifier's authorisation;
each refusal says which condition fails, in French."""

import datetime

import pytest

from passeport.catalog import offers
from passeport.catalog.models import CertifierAuthorisation, Training
from tests.factories import OrganisationFactory

from .helpers import fiche, offer, provider

pytestmark = pytest.mark.django_db


def test_a_referenced_provider_publishes_a_certifying_training_of_its_own_fiche():
    org = provider()
    fiche(certifier=org)
    training, action, session = offer(org, code="rncp37827")
    assert training.fiche.code == "RNCP37827"
    assert training.level == 5
    assert action.department_code == "69" and action.region_code == "84"
    assert session.pk


def test_without_the_certifiers_authorisation_the_training_is_refused():
    org = provider()
    fiche(certifier=OrganisationFactory(certifier=True))
    with pytest.raises(offers.OfferError) as refused:
        offer(org, code="RNCP37827")
    assert "n'est pas habilité par le certificateur de RNCP37827" in refused.value.reasons[0]
    assert not Training.objects.exists()


def test_an_authorisation_granted_by_a_certifier_of_the_fiche_suffices():
    org = provider()
    certifier = OrganisationFactory(certifier=True)
    fiche(certifier=certifier)
    CertifierAuthorisation.objects.create(
        certifier=certifier, provider=org, certification_code="RNCP37827"
    )
    training, _, _ = offer(org, code="RNCP37827")
    assert training.certification_code == "RNCP37827"


def test_an_authorisation_from_someone_not_certifier_of_the_fiche_does_not_count():
    org = provider()
    fiche(certifier=OrganisationFactory(certifier=True))
    stranger = OrganisationFactory(certifier=True)
    CertifierAuthorisation.objects.create(
        certifier=stranger, provider=org, certification_code="RNCP37827"
    )
    with pytest.raises(offers.OfferError):
        offer(org, code="RNCP37827")


def test_unknown_certification_and_bad_codes_are_named():
    with pytest.raises(offers.OfferError) as refused:
        offer(provider(), code="RNCP99999", codes={"rome": ["M18"], "formacode": ["31054"]})
    reasons = " ".join(refused.value.reasons)
    assert "RNCP99999 est inconnue" in reasons
    assert "Code ROME invalide : « M18 »" in reasons


def test_no_valid_nda_means_no_offer():
    org = provider()
    org.nda_number = "1175555557¹"[:11]
    with pytest.raises(offers.OfferError) as refused:
        offer(org)
    assert "NDA" in refused.value.reasons[0]


def test_qualiopi_must_be_valid_on_the_sessions_first_day():
    org = provider(qualiopi_valid_until=datetime.date.today() + datetime.timedelta(days=10))
    with pytest.raises(offers.OfferError) as refused:
        offer(org, start=datetime.date.today() + datetime.timedelta(days=20))
    assert "Qualiopi" in refused.value.reasons[0]
    assert "avant le début de la session" in refused.value.reasons[0]


def test_a_place_is_required_in_person_and_must_exist_in_the_cog():
    org = provider()
    with pytest.raises(offers.OfferError) as refused:
        offer(org, commune_code="99999", known_commune=False)
    assert "Commune inconnue" in refused.value.reasons[0]


def test_saving_again_by_the_providers_identifier_updates():
    org = provider()
    training, _, _ = offer(org, title="Ancien intitulé")
    again, _, _ = offer(org, title="Nouvel intitulé")
    assert again.pk == training.pk
    assert Training.objects.get().title == "Nouvel intitulé"
