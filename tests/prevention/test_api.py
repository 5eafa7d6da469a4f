"""Prevention declarations by API (/api/v1/prevention): scope, idempotency, batch, and
the attacker's side (another organisation, a token without the scope)."""

import copy
import datetime

import pytest
from django.utils import timezone

from passeport.api import services
from passeport.prevention.models import Declaration, DeclarationLine
from passeport.records.models import PreventionTraining
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/prevention/declarations"


def token(organisation, scopes=("prevention:declare",)):
    api_client, secret = services.create_client(
        organisation, name="Logiciel", scopes=list(scopes), created_by=UserFactory()
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    return {"Authorization": f"Bearer {raw}"}


def trainee(person, n=1, **overrides):
    values = {
        "partner_unique_id": f"API-{person.pk}-{n}",
        "nir": person.reveal_nir()[:13],
        "birth_name": person.birth_name,
        "valid_from": "2026-03-10",
    }
    values.update(overrides)
    return values


def body(persons, declaration_id="API-1", **overrides):
    payload = {
        "kind": "ADF",
        "declaration_id": declaration_id,
        "reference": "SESSION-1",
        "training": {
            "title": "Sauveteur secouriste du travail (SST)",
            "start_date": "2026-03-09",
            "end_date": "2026-03-10",
            "modality": "PRESENTIEL",
            "transferable_skills": ["H2909", "H2913", "I1304"],
            "trainer_qualifications": ["PREVENTEUR"],
            "certifying": False,
            "formacodes": ["42866"],
            "nsf_codes": ["344t"],
        },
        "trainees": [trainee(p) for p in persons],
    }
    payload.update(overrides)
    return payload


def post(client, auth, payload, url=URL, **headers):
    return client.post(url, payload, content_type="application/json", headers={**auth, **headers})


def test_declare_with_per_trainee_results(client, referentials, provider, employer, persons):
    payload = body(persons[:2])
    payload["trainees"][0]["employer_siret"] = employer.siret
    payload["trainees"][1]["birth_name"] = "AUTRE"

    response = post(client, token(provider), payload)

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["accepted"], data["rejected"]) == (1, 1)
    assert data["declare_before"] == "2026-06-30"
    assert data["late"] is (timezone.localdate() > datetime.date(2026, 6, 30))
    first, second = data["trainees"]
    assert first["status"] == "accepted" and first["id"]
    assert second["status"] == "rejected"
    assert second["errors"][0]["column"] == "NOM_TITULAIRE"
    assert second["errors"][0]["field"] == "trainees[].birth_name"
    line = DeclarationLine.objects.get()
    assert str(line.public_id) == first["id"] and line.employer == employer
    assert line.channel == "api"
    record = PreventionTraining.objects.get(lineage=line.lineage)
    assert record.source_reference.startswith("API, requête ")


def test_same_partner_id_again_is_duplicate(client, referentials, provider, persons):
    auth = token(provider)
    post(client, auth, body(persons[:1]))
    again = post(client, auth, body(persons[:1]))
    assert again.json()["trainees"][0]["status"] == "duplicate"
    assert PreventionTraining.objects.count() == 1


def test_idempotency_key(client, referentials, provider, persons):
    auth = token(provider)
    first = post(client, auth, body(persons[:1]), **{"Idempotency-Key": "k-1"})
    replay = post(client, auth, body(persons[:1]), **{"Idempotency-Key": "k-1"})

    assert replay.status_code == 200
    assert replay.json() == first.json(), "the same answer, not a 'duplicate' one"
    assert replay["Idempotent-Replayed"] == "true"
    other = post(client, auth, body(persons[1:2]), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert DeclarationLine.objects.count() == 1


def test_batch(client, referentials, provider, persons):
    payload = {
        "declarations": [
            body(persons[:2], declaration_id="B-1"),
            body(persons[2:], declaration_id="B-2", training={"title": "Incomplète"}),
        ]
    }
    response = post(client, token(provider), payload, url=URL + "/batch")

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["accepted"], data["rejected"]) == (2, 1)
    errors = data["declarations"][1]["trainees"][0]["errors"]
    assert {e["column"] for e in errors} >= {"DATE_DEBUT_FORMATION", "COMPETENCE_TRANSFERABLE"}
    assert Declaration.objects.get().declaration_id == "B-1"


def test_jdr_by_api(client, referentials, provider, persons):
    payload = body(persons[:1], kind="JDR")
    payload["jdr"] = {
        "type": "HABILITATION",
        "name": "Habilitation électrique B1V",
        "award_mode": "PAR_ADMISSION",
        "training_present": True,
    }
    payload["trainees"][0].update(result="Admis", proof_url="https://preuves.example.fr/1")

    response = post(client, token(provider), payload)

    assert response.json()["accepted"] == 1, response.content
    assert PreventionTraining.objects.get().declaration_kind == "JDR"


def test_without_scope_or_token(client, referentials, provider, persons):
    assert post(client, {}, body(persons[:1])).status_code == 401
    no_scope = token(provider, scopes=("certifications:declare",))
    assert post(client, no_scope, body(persons[:1])).status_code == 403
    assert not DeclarationLine.objects.exists()


def test_an_organisation_that_is_neither_provider_nor_employer(client, referentials, persons):
    certifier = OrganisationFactory(certifier=True)
    response = post(client, token(certifier), body(persons[:1]))
    assert response.status_code == 403
    employer_only = OrganisationFactory()
    asked_as_provider = body(persons[:1], role="provider")
    assert post(client, token(employer_only), asked_as_provider).status_code == 403


def test_another_organisation_cannot_read_a_declaration(client, referentials, provider, persons):
    created = post(client, token(provider), body(persons[:1])).json()
    url = f"{URL}/{created['id']}"
    assert client.get(url, headers=token(provider)).status_code == 200
    other = OrganisationFactory(training_provider=True)
    assert client.get(url, headers=token(other)).status_code == 404


def test_idempotency_keys_are_per_client(client, referentials, provider, persons):
    other = OrganisationFactory(training_provider=True)
    post(client, token(provider), body(persons[:1]), **{"Idempotency-Key": "same"})
    mine = copy.deepcopy(body(persons[1:2]))
    response = post(client, token(other), mine, **{"Idempotency-Key": "same"})
    assert response.status_code == 200 and response.json()["accepted"] == 1


def test_openapi_documents_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/prevention/declarations" in schema["paths"]
    assert "/api/v1/prevention/declarations/batch" in schema["paths"]
    assert schema["components"]["schemas"]["DeclarationIn"]["examples"]


def test_nothing_declared_is_422_with_each_trainee_s_reasons(
    client, referentials, provider, persons
):
    """A declaration whose trainees are all rejected creates nothing: 422, not a 200 with
    `"id": null`; the body still says why, trainee by trainee."""
    auth = token(provider)
    payload = body(persons[:1], trainees=[trainee(persons[0], nir="1850775123456")])
    response = post(client, auth, payload)
    assert response.status_code == 422
    data = response.json()
    assert data["id"] is None and data["rejected"] == 1 and data["accepted"] == 0
    assert data["trainees"][0]["errors"]


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        (URL, "no trainees"),
        (URL + "/batch", {"declarations": []}),
    ],
)
def test_empty_lists_are_refused_by_the_schema(
    client, referentials, provider, persons, url, payload
):
    auth = token(provider)
    if payload == "no trainees":
        payload = body(persons, trainees=[])
    response = post(client, auth, payload, url=url)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("Pas assez d'éléments")


def test_a_boolean_is_a_boolean(client, referentials, provider, persons):
    """pydantic's lax mode read 0 as false: the document says boolean, so does the API."""
    auth = token(provider)
    payload = body(persons, trainees=[trainee(persons[0], employer_present=0)])
    response = post(client, auth, payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Booléen attendu (true ou false)."
