"""/api/v1/cpf: the public simulator, and declarations by civic bodies and public
employers, from the attacker's side too (no token, wrong scope, wrong kind)."""

import pytest
from django.utils import timezone

from passeport.api import services
from passeport.cpf import ledger
from passeport.cpf.enums import CecActivity
from passeport.cpf.models import CecDeclaration, CpfAccount
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

from .helpers import civic_body, public_employer

SIMULATION = "/api/v1/cpf/simulation"


def token(organisation, scopes):
    api_client, secret = services.create_client(
        organisation, name="Logiciel", scopes=list(scopes), created_by=UserFactory()
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
def test_simulation_example_from_the_issue(client):
    response = client.get(
        SIMULATION,
        {
            "year": 2025,
            "hours": 400,
            "reference_hours": 1607,
            "low_qualified": "false",
            "balance": 1000,
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["acquired"] == "248.92"
    assert data["balance_after"] == "1248.92"
    assert (data["rate"], data["ceiling"]) == ("500.00", "5000.00")
    assert data["pro_rata"] is True
    assert "arrondi au centime supérieur" in data["explanation"]


@pytest.mark.django_db
def test_simulation_ceiling_and_low_qualified(client):
    data = client.get(SIMULATION, {"year": 2025, "hours": 1820, "balance": "4800"}).json()
    assert (data["acquired"], data["balance_after"], data["at_ceiling"]) == (
        "200.00",
        "5000.00",
        True,
    )
    assert "plafond de 5\u202f000,00 € atteint" in data["explanation"]
    low = client.get(SIMULATION, {"year": 2025, "hours": 1820, "low_qualified": "true"}).json()
    assert (low["acquired"], low["ceiling"]) == ("800.00", "8000.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"hours": 400}, "year", "Champ obligatoire."),
        ({"year": 2018, "hours": 400}, "year", "Valeur trop petite : au moins 2019."),
        ({"year": 2025, "hours": "beaucoup"}, "hours", "Nombre décimal attendu"),
        ({"year": 2025, "hours": -1}, "hours", "Valeur trop petite"),
        ({"year": 2025, "hours": 400, "reference_hours": 0}, "reference_hours", "au moins 1"),
        ({"year": 2025, "hours": 400, "balance": "-0.01"}, "balance", "au moins 0"),
        ({"year": 2025, "hours": 400, "low_qualified": "peut-être"}, "low_qualified", "Booléen"),
    ],
)
def test_simulation_bad_parameters_are_422_in_french(client, params, field, message):
    response = client.get(SIMULATION, params)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(field in e["loc"] and message in e["msg"] for e in errors), errors


@pytest.mark.django_db
def test_cec_declarations_by_api(client):
    year = timezone.localdate().year - 1
    sdis = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER)
    person, stranger = PersonFactory(), PersonFactory()
    payload = {
        "declarations": [
            {
                "nir": person.reveal_nir(),
                "birth_name": person.birth_name,
                "year": year,
                "activity": "SAPEUR_POMPIER_VOLONTAIRE",
                "quantity": 120,
            },
            {
                "nir": stranger.reveal_nir(),
                "birth_name": "AUTRE",
                "year": year,
                "activity": "SAPEUR_POMPIER_VOLONTAIRE",
                "quantity": 120,
            },
            {
                "nir": stranger.reveal_nir(),
                "birth_name": stranger.birth_name,
                "year": year,
                "activity": "SAPEUR_POMPIER_VOLONTAIRE",
                "quantity": 10,
            },
        ]
    }
    auth = token(sdis, ["cec:declare"])
    response = client.post(
        "/api/v1/cpf/cec/declarations", payload, content_type="application/json", headers=auth
    )
    assert response.status_code == 200
    first, second, third = response.json()
    assert (first["accepted"], first["status"], first["credited"]) == (True, "validated", "240.00")
    assert second["errors"][0]["field"] == "nir" and not second["accepted"]
    assert "Seuil non atteint" in third["errors"][0]["message"]
    assert ledger.balances(CpfAccount.objects.get(person=person)).cec == 24_000
    assert CecDeclaration.objects.count() == 1


@pytest.mark.django_db
def test_cec_api_refuses_without_scope_or_as_another_kind(client):
    payload = {"declarations": []}
    url = "/api/v1/cpf/cec/declarations"
    assert client.post(url, payload, content_type="application/json").status_code == 401
    sdis = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER)
    wrong_scope = token(sdis, ["cpf:declare"])
    response = client.post(url, payload, content_type="application/json", headers=wrong_scope)
    assert response.status_code == 403
    employer = OrganisationFactory()
    response = client.post(
        url,
        {
            "declarations": [
                {"nir": "x", "birth_name": "x", "year": 2025, "activity": "x", "quantity": 1}
            ]
        },
        content_type="application/json",
        headers=token(employer, ["cec:declare"]),
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_agents_declarations_by_api(client):
    employer = public_employer(name="Mairie de Lyon")
    person = PersonFactory()
    item = {"nir": person.reveal_nir(), "birth_name": person.birth_name, "year": 2024, "months": 12}
    auth = token(employer, ["cpf:declare"])
    url = "/api/v1/cpf/agents/declarations"
    first = client.post(
        url, {"declarations": [item]}, content_type="application/json", headers=auth
    )
    assert first.json()[0]["hours_credited"] == "25 h"
    again = client.post(
        url, {"declarations": [item]}, content_type="application/json", headers=auth
    )
    assert again.json()[0]["hours_credited"] == "0 h"
    bad = client.post(
        url,
        {"declarations": [{**item, "months": 13}]},
        content_type="application/json",
        headers=auth,
    )
    assert bad.json()[0]["errors"][0]["field"] == "months"
    private = token(OrganisationFactory(), ["cpf:declare"])
    assert (
        client.post(
            url, {"declarations": [item]}, content_type="application/json", headers=private
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_simulation_rounds_to_the_cent(client):
    """More than two decimals is rounded half up, as the document says (it was refused,
    which no caller could know from the document)."""
    answer = client.get(
        "/api/v1/cpf/simulation", {"year": 2025, "hours": "803.505", "balance": "12.345"}
    ).json()
    assert (answer["hours"], answer["balance"]) == ("803.51", "12.35")
