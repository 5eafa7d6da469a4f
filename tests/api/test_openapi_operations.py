"""The OpenAPI document's operations stay what clients were generated from: a router
moving from one app to another (accrochage from `api/` to `ingest/`, the verifier from
`api/` to `documents/`) keeps its paths, operation ids and summaries."""

import pytest

from passeport.api.urls import api

PINNED = {
    ("post", "/api/v1/verify"): (
        "passeport_api_verify_verify",
        "Vérifier une attestation numérique ou un lien de partage",
    ),
    ("post", "/api/v1/verify/pdf"): (
        "passeport_api_verify_verify_pdf",
        "Vérifier un PDF scellé (CV ou attestation)",
    ),
    ("post", "/api/v1/accrochage"): (
        "passeport_api_accrochage_submit",
        "Déposer un fichier d'accrochage",
    ),
    ("get", "/api/v1/accrochage/{submission_id}"): (
        "passeport_api_accrochage_status",
        "Suivre un dépôt d'accrochage",
    ),
    ("get", "/api/v1/accrochage/{submission_id}/accuse.xml"): (
        "passeport_api_accrochage_accuse_xml",
        "Accusé de traitement (XML)",
    ),
    ("get", "/api/v1/accrochage/{submission_id}/accuse.json"): (
        "passeport_api_accrochage_accuse_json",
        "Accusé de traitement (JSON)",
    ),
    ("post", "/api/v1/prevention/declarations"): (
        "passeport_prevention_api_declare",
        "Déclarer une formation (ADF ou JDR) et ses stagiaires",
    ),
    ("post", "/api/v1/prevention/declarations/batch"): (
        "passeport_prevention_api_declare_batch",
        "Déclarer plusieurs formations en une requête",
    ),
    ("get", "/api/v1/prevention/declarations/{declaration_id}"): (
        "passeport_prevention_api_read",
        "Relire une déclaration",
    ),
}


@pytest.mark.parametrize(("operation", "expected"), PINNED.items(), ids=lambda v: str(v))
def test_operation_ids_and_summaries_do_not_move(operation, expected):
    method, path = operation
    found = api.get_openapi_schema()["paths"][path][method]
    assert (found["operationId"], found["summary"]) == expected


def test_operation_ids_are_unique():
    ids = [
        operation["operationId"]
        for methods in api.get_openapi_schema()["paths"].values()
        for operation in methods.values()
    ]
    assert len(ids) == len(set(ids))


def _refuse_duplicates(pairs):
    keys = [key for key, _ in pairs]
    duplicated = {key for key in keys if keys.count(key) > 1}
    assert not duplicated, f"clés en double dans le document OpenAPI : {duplicated}"
    return dict(pairs)


@pytest.mark.django_db
def test_served_document_has_no_duplicated_key(client):
    """A response given both by `response={200: …}` and by `openapi_extra` once appeared
    twice ("200" as an int and as a string) and Swagger UI refused the whole document."""
    import json

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=_refuse_duplicates)
