"""Registration requests of unknown organisations, decided by an operator: the rules, the
state machine, the e-mails and the admin, from the attacker's side too."""

import pytest
from django.core import mail
from django.urls import reverse

from passeport.identity import registration
from passeport.organisations.models import (
    Membership,
    Organisation,
    RegistrationRequest,
    RegistrationTransition,
)
from passeport.organisations.siret import make_siren, make_siret
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
SIRET = make_siret(make_siren("44444444"), "0001")


def identity(**overrides):
    return {
        "provider": "proconnect",
        "sub": "sub-alix",
        "email": "alix@inconnue.example",
        "given_name": "Alix",
        "usual_name": "Inconnue",
        "siret": SIRET,
        **overrides,
    }


@pytest.fixture
def operator():
    return UserFactory(kind="operator", is_staff=True, is_superuser=True, email="agent@cdc.example")


def test_rules_of_a_request(operator, django_capture_on_commit_callbacks):
    with pytest.raises(registration.RegistrationRefused, match="au moins un rôle"):
        registration.submit(identity(), name="Alix SARL", kinds=[])
    with pytest.raises(registration.RegistrationRefused, match="idClient"):
        registration.submit(identity(), name="Alix SARL", kinds=["certifier"])
    with pytest.raises(registration.RegistrationRefused, match="SIRE"):
        registration.submit(identity(siret="12345678901234"), name="x", kinds=["employer"])
    known = OrganisationFactory()
    with pytest.raises(registration.RegistrationRefused, match="désormais connue"):
        registration.submit(identity(siret=known.siret), name="x", kinds=["employer"])

    with django_capture_on_commit_callbacks(execute=True):
        request = registration.submit(
            identity(), name="Alix SARL", kinds=["certifier"], certifier_id_client="alix0001"
        )
    assert request.certifier_id_client == "ALIX0001" and request.status == "pending"
    # The requester's receipt, and the operators told there is a request to decide.
    assert sorted(m.to[0] for m in mail.outbox) == ["agent@cdc.example", "alix@inconnue.example"]
    assert "Alix SARL" in mail.outbox[0].subject
    with pytest.raises(registration.RegistrationRefused, match="déjà en cours"):
        registration.submit(identity(sub="other"), name="Alix", kinds=["employer"])


def test_approval_creates_the_organisation_and_its_administrator(
    operator, django_capture_on_commit_callbacks
):
    request = registration.submit(
        identity(), name="Alix Formation", kinds=["training_provider"], nda_number="11755555575"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organisation = registration.approve(request, operator=operator)
    assert organisation.is_training_provider and organisation.nda_number == "11755555575"
    membership = Membership.objects.get(organisation=organisation)
    assert membership.role == "admin" and membership.user.email == "alix@inconnue.example"
    assert membership.user.identity_links.get().sub == "sub-alix"
    (message,) = mail.outbox
    assert "acceptée" in message.body and "/identity/connexion/" in message.body
    steps = list(RegistrationTransition.objects.values_list("from_status", "to_status"))
    assert steps == [("", "pending"), ("pending", "approved")]
    with pytest.raises(registration.RegistrationRefused, match="déjà été traitée"):
        registration.refuse(request, operator=operator, reason="trop tard")


def test_refusal_needs_a_reason_and_tells_the_requester(
    operator, django_capture_on_commit_callbacks
):
    request = registration.submit(identity(), name="Alix", kinds=["employer"])
    with pytest.raises(registration.RegistrationRefused, match="motif"):
        registration.refuse(request, operator=operator, reason=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration.refuse(request, operator=operator, reason="SIRET d'un établissement fermé.")
    assert "établissement fermé" in mail.outbox[0].body
    assert not Organisation.objects.filter(siret=SIRET).exists()
    # A new, corrected request is possible once the first is decided.
    assert registration.submit(identity(), name="Alix", kinds=["employer"]).status == "pending"


def test_operators_decide_in_the_admin(client, operator):
    request = registration.submit(identity(), name="Alix Emploi", kinds=["employer"])
    client.force_login(operator)
    listing = client.get(reverse("admin:organisations_registrationrequest_changelist"))
    assert "Alix Emploi" in listing.content.decode()
    url = reverse("admin:organisations_registrationrequest_change", args=[request.pk])
    response = client.post(url, {"decision": "approve", "reason": ""}, follow=True)
    assert "est inscrite" in response.content.decode()
    assert Organisation.objects.get(siret=SIRET).is_employer


def test_the_form_needs_proconnects_word_and_the_admin_needs_an_operator(client):
    """Nobody reaches the form without having come back from ProConnect with an unknown
    SIRET; a professional or a holder cannot decide requests."""
    response = client.get("/identity/inscription-organisation/")
    assert response.status_code == 302 and response["Location"].endswith("/identity/connexion/")
    response = client.post(
        "/identity/inscription-organisation/", {"name": "x", "kinds": "employer"}
    )
    assert response.status_code == 302 and not RegistrationRequest.objects.exists()
    assert client.get("/identity/inscription-organisation/envoyee/").status_code == 302
    request = registration.submit(identity(), name="Alix", kinds=["employer"])
    client.force_login(UserFactory())
    url = reverse("admin:organisations_registrationrequest_change", args=[request.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "pending" and not Organisation.objects.filter(siret=SIRET).exists()
