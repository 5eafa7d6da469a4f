"""What ninja refuses before our code runs is said in French too (422, 400, 401)."""

import pytest

from passeport.api.errors import UNAUTHENTICATED, UNREADABLE_BODY, french_message

from .test_api import URL, body, post, token

pytestmark = pytest.mark.django_db


def test_schema_errors_name_the_field_in_french(client, referentials, provider, persons):
    payload = body(persons)
    del payload["kind"]
    payload["training"]["certifying"] = "peut-être"
    payload["trainees"][0]["nir"] = 123

    refused = post(client, token(provider), payload)

    assert refused.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in refused.json()["detail"]}
    assert errors[("kind",)] == "Champ obligatoire."
    assert errors[("training", "certifying")] == "Booléen attendu (true ou false)."
    assert errors[("trainees", 0, "nir")] == "Texte attendu."


def test_unreadable_body_and_missing_token(client, referentials, provider):
    unreadable = client.post(
        URL, "{pas du json", content_type="application/json", headers=token(provider)
    )
    assert (unreadable.status_code, unreadable.json()["detail"]) == (400, UNREADABLE_BODY)
    anonymous = client.post(URL, {}, content_type="application/json")
    assert (anonymous.status_code, anonymous.json()["detail"]) == (401, UNAUTHENTICATED)


def test_messages_with_their_limits():
    assert french_message({"type": "string_too_long", "ctx": {"max_length": 13}}) == (
        "Texte trop long : au plus 13 caractères."
    )
    assert french_message({"type": "string_too_long"}) == "Texte trop long."
    assert french_message({"type": "inconnu_de_nous"}) == "Valeur non admise (inconnu_de_nous)."
