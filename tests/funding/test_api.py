"""/api/v1/funding, from the funder's side and the attacker's side."""

import pytest

from passeport.api import services
from passeport.funding.enums import ConventionStatus
from passeport.funding.models import CreditLine, Rule
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_funding import ConventionFactory, EnvelopeFactory, transfer_reference

pytestmark = pytest.mark.django_db
BASE = "/api/v1/funding"


def token(organisation, scopes=("funding:write",)):
    api_client, secret = services.create_client(
        organisation, name="Logiciel", scopes=list(scopes), created_by=UserFactory()
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def order(funder, person, external_id="API-1"):
    return {
        "external_id": external_id,
        "kind": "apc_dismissal",
        "transfer_reference": transfer_reference(funder),
        "lines": [
            {"nir": person.reveal_nir(), "birth_name": person.birth_name, "amount_cents": 300000},
            {"nir": person.reveal_nir(), "birth_name": "Autre", "amount_cents": 300000},
        ],
    }


def test_order_is_idempotent_and_lines_are_named(client):
    funder = ConventionFactory().funder
    person = PersonFactory()
    auth = token(funder)
    first = client.post(
        f"{BASE}/orders", order(funder, person), content_type="application/json", **auth
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["accepted"] == 1 and body["rejected"][0]["line"] == 2
    again = client.post(
        f"{BASE}/orders", order(funder, person), content_type="application/json", **auth
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert CreditLine.objects.count() == 1
    read = client.get(f"{BASE}/orders/{body['id']}", **auth)
    assert read.json()["status"] == "awaiting_payment"
    bad = client.post(
        f"{BASE}/orders",
        {**order(funder, person, "API-2"), "transfer_reference": "CPF-1-BAFO-011226"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "CPF-SIREN-CVCV-JJMMAA" in bad.json()["detail"]


def test_attackers(client):
    funder = ConventionFactory().funder
    person = PersonFactory()
    payload = order(funder, person)
    url = f"{BASE}/orders"
    assert client.post(url, payload, content_type="application/json").status_code == 401
    wrong_scope = token(funder, ("cpf:declare",))
    assert (
        client.post(url, payload, content_type="application/json", **wrong_scope).status_code == 403
    )
    employer = token(OrganisationFactory())
    assert client.post(url, payload, content_type="application/json", **employer).status_code == 403
    waiting = ConventionFactory(status=ConventionStatus.SUBMITTED).funder
    response = client.post(
        url, order(waiting, person), content_type="application/json", **token(waiting)
    )
    assert response.status_code == 403 and "convention" in response.json()["detail"]
    created = client.post(url, payload, content_type="application/json", **token(funder)).json()
    other = ConventionFactory().funder
    assert client.get(f"{url}/{created['id']}", **token(other)).status_code == 404


def test_rule_written_simulated_published_by_api(client):
    funder = ConventionFactory(funder__name="Région API").funder
    envelope = EnvelopeFactory(funder=funder)
    auth = token(funder)
    response = client.post(
        f"{BASE}/rules",
        {
            "name": "Reconversion",
            "envelope_id": str(envelope.public_id),
            "starts_on": "2026-01-01",
            "percent_bp": 5000,
            "per_holder_cap_cents": 150000,
            "targets": {"region": ["11"], "rome": ["M1805"]},
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    rule_id = response.json()["id"]
    simulation = client.post(
        f"{BASE}/rules/{rule_id}/simulation",
        {
            "region_code": "11",
            "rome_codes": ["M1805"],
            "price_cents": 500000,
            "rights_cents": 100000,
        },
        content_type="application/json",
        **auth,
    ).json()
    assert simulation == {
        "applies": True,
        "amount_cents": 150000,
        "text": "Région API prend en charge 1\u202f500,00 €",
    }
    published = client.post(
        f"{BASE}/rules/{rule_id}/status",
        {"status": "published"},
        content_type="application/json",
        **auth,
    )
    assert published.json()["status"] == "published"
    other_envelope = EnvelopeFactory()
    refused = client.post(
        f"{BASE}/rules",
        {
            "name": "x",
            "envelope_id": str(other_envelope.public_id),
            "starts_on": "2026-01-01",
            "fixed_cents": 100,
        },
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 404
    assert Rule.objects.count() == 1
