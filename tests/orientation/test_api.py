"""GET /api/v1/orientation/gap?target=…: the holder's own session only."""

from tests.factories import UserFactory

from .conftest import it_passport

URL = "/api/v1/orientation/gap"


def test_the_holder_gets_covered_and_missing_items_with_their_sources(holder_client, holder):
    it_passport(holder.person)
    response = holder_client.get(URL, {"target": "14153"})
    assert response.status_code == 200
    data = response.json()
    assert data["target"] == {
        "appellation": "14153",
        "label": "Développeur / Développeuse informatique",
        "rome_code": "M1805",
        "rome_label": "Développeur / Développeuse informatique",
    }
    coder = next(item for item in data["covered"] if item["ogr"] == "400261")
    assert coder["centrality"] == "core"
    assert [(s["source"], s["guaranteed"]) for s in coder["sources"]] == [("declared", False)]
    assert coder["sources"][0]["reason"] == "Compétence du ROME que vous avez déclarée."
    assert all(item["sources"] for item in data["covered"])
    assert all(not item["sources"] for item in data["missing"])
    # Core items first among the missing.
    ranks = [{"core": 0, "emerging": 1, "other": 2}[i["centrality"]] for i in data["missing"]]
    assert ranks == sorted(ranks)
    coverage = data["coverage"]
    assert coverage["covered"] == len(data["covered"])
    assert coverage["total"] == len(data["covered"]) + len(data["missing"])
    assert "cœur de métier" in coverage["explanation"]


def test_unknown_target_missing_parameter_and_strangers(holder_client, referentials):
    from django.test import Client

    client = Client()
    assert holder_client.get(URL, {"target": "0"}).status_code == 404
    missing = holder_client.get(URL)
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["msg"] == "Champ obligatoire."
    anonymous = client.get(URL, {"target": "14153"})
    assert anonymous.status_code == 401
    assert "Connectez-vous" in anonymous.json()["detail"]
    client.force_login(UserFactory())  # a professional
    assert client.get(URL, {"target": "14153"}).status_code == 403


def test_a_bearer_token_is_not_a_holders_session(client, referentials):
    response = client.get(URL, {"target": "14153"}, headers={"Authorization": "Bearer abc"})
    assert response.status_code == 401
