"""Wallets and verifiers get JSON errors under /.well-known/, /credentials/ and /api/,
whatever DEBUG says (Django's debug 404 page stopped an OpenID4VCI client that probes
/.well-known/openid-configuration); people's pages keep their HTML."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/openid-configuration",
        "/credentials/inconnu",
        "/credentials/status/3f0c2a9e-0d7c-4a43-8c8c-6a1b1f2b9a10",
        "/api/inconnu",
        # a path parameter the route does not admit (a fuzzer's bytes, not a UUID)
        "/api/v1/accrochage/%3E%C2%86",
    ],
)
def test_not_found_is_json(debug, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "not_found"
    assert body["error_description"] and "Traceback" not in response.content.decode()
    assert "No StatusList" not in body["error_description"]
    if path.startswith("/api/"):
        assert body["detail"] == body["error_description"]  # as the API documents its errors


def test_a_views_own_404_message_is_kept(debug):
    body = Client().get("/credentials/vct/engagement").json()
    assert body == {"error": "not_found", "error_description": "Type d'attestation inconnu."}


def test_api_errors_also_say_detail(debug):
    body = Client().get("/api/v0/nulle-part").json()
    assert body["error"] == "not_found" and body["detail"] == body["error_description"]


def test_method_not_allowed_keeps_allow(debug):
    response = Client().post("/.well-known/jwks.json")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_server_error_is_json_without_traceback(debug, monkeypatch):
    from passeport.credentials import views

    def broken(request):
        raise RuntimeError("boom secret detail")

    monkeypatch.setattr(views.keys, "jwks", broken)
    response = Client(raise_request_exception=False).get("/.well-known/jwks.json")
    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert "boom" not in response.content.decode()


def test_json_errors_already_json_are_left_alone():
    response = Client().post("/credentials/oid4vci/token", {"grant_type": "x"})
    assert response.json()["error"] == "unsupported_grant_type"
    assert "error_description" in response.json()


def test_pages_for_people_keep_html(debug):
    response = Client().get("/page-inexistante/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
