import base64
import datetime

import pytest
from django.utils import timezone

from passeport.api import services
from passeport.api.models import ApiClient, ApiToken
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/oauth/token"


@pytest.fixture
def admin_and_org():
    organisation = OrganisationFactory(training_provider=True)
    admin = UserFactory(email="admin@of.example")
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    return admin, organisation


@pytest.fixture
def client_and_secret(admin_and_org):
    admin, organisation = admin_and_org
    return services.create_client(
        organisation, name="Logiciel OF", scopes=["prevention:declare"], created_by=admin
    )


def _token(client, client_id, secret, **extra):
    return client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            **extra,
        },
    )


def test_secret_is_stored_hashed_and_creation_journaled(client_and_secret):
    api_client, secret = client_and_secret
    assert secret not in api_client.secret_hash and len(api_client.secret_hash) == 64
    assert api_client.check_secret(secret) and not api_client.check_secret(secret + "x")
    assert JournalEntry.objects.filter(action="api.client_created").exists()


def test_token_then_call(client, client_and_secret):
    api_client, secret = client_and_secret
    response = _token(client, api_client.client_id, secret)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "prevention:declare"
    assert body["expires_in"] == 600
    assert body["access_token"] not in ApiToken.objects.get().token_hash
    me = client.get(
        "/api/v1/organisation", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["siret"] == api_client.organisation.siret
    assert me.json()["scopes"] == ["prevention:declare"]


def test_http_basic_client_authentication(client, client_and_secret):
    api_client, secret = client_and_secret
    basic = base64.b64encode(f"{api_client.client_id}:{secret}".encode()).decode()
    response = client.post(
        TOKEN_URL, {"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"client_secret": "mauvais"}, 401, "invalid_client"),
        ({"client_id": "pp_inconnu"}, 401, "invalid_client"),
        ({"scope": "employees:read"}, 400, "invalid_scope"),
    ],
)
def test_token_refusals(client, client_and_secret, data, status, error):
    api_client, secret = client_and_secret
    fields = {
        "grant_type": "client_credentials",
        "client_id": api_client.client_id,
        "client_secret": secret,
        **data,
    }
    response = client.post(TOKEN_URL, fields)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]  # in French


def test_expired_revoked_and_missing_tokens(client, client_and_secret, admin_and_org):
    api_client, secret = client_and_secret
    raw = _token(client, api_client.client_id, secret).json()["access_token"]
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/organisation", headers=auth).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/organisation", headers=auth).status_code == 401
    raw = _token(client, api_client.client_id, secret).json()["access_token"]
    services.revoke_client(api_client, revoked_by=admin_and_org[0])
    assert (
        client.get("/api/v1/organisation", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 401
    )
    assert _token(client, api_client.client_id, secret).status_code == 401
    assert client.get("/api/v1/organisation").status_code == 401


def test_missing_scope_is_403(client, admin_and_org):
    from ninja import NinjaAPI
    from ninja.testing import TestClient

    from passeport.api.auth import ClientCredentialsAuth

    admin, organisation = admin_and_org
    api_client, secret = services.create_client(
        organisation, name="Paie", scopes=["employees:read"], created_by=admin
    )
    raw, _ = services.issue_token(api_client.client_id, secret, None)
    demo = NinjaAPI(urls_namespace="scope-test")

    @demo.post("/declare", auth=ClientCredentialsAuth(["prevention:declare"]))
    def declare(request):
        return {"ok": True}

    response = TestClient(demo).post("/declare", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403
    assert "prevention:declare" in response.json()["detail"]


def test_admin_creates_sees_secret_once_and_revokes(client, admin_and_org):
    admin, organisation = admin_and_org
    client.force_login(admin)
    url = f"/pro/organisations/{organisation.public_id}/clients-api/"
    response = client.post(url, {"name": "Logiciel de paie", "scopes": ["employees:read"]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    created = ApiClient.objects.get()
    body = response.content.decode()
    assert created.client_id in body and "ne sera plus jamais affiché" in body
    listing = client.get(url).content.decode()
    assert created.client_id in listing and "ne sera plus jamais affiché" not in listing
    revoke = client.post(f"{url}{created.public_id}/revoquer/")
    assert revoke.status_code == 302
    created.refresh_from_db()
    assert not created.is_active


def test_api_clients_page_refuses_attackers(client, admin_and_org):
    admin, organisation = admin_and_org
    other_org = OrganisationFactory()
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=other_org, role="admin")
    member = UserFactory()
    Membership.objects.create(user=member, organisation=organisation, role="member")
    holder = UserFactory(holder=True)
    api_client, _ = services.create_client(
        organisation, name="X", scopes=["prevention:declare"], created_by=admin
    )
    url = f"/pro/organisations/{organisation.public_id}/clients-api/"
    revoke = f"{url}{api_client.public_id}/revoquer/"
    for user in (outsider, member, holder):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(revoke).status_code == 403
        assert client.post(url, {"name": "Y", "scopes": ["employees:read"]}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    api_client.refresh_from_db()
    assert api_client.is_active and ApiClient.objects.count() == 1


def test_api_docs_are_served_from_our_own_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn." not in body
    schema = client.get("/api/openapi.json").json()
    assert "/api/oauth/token" in schema["paths"] and "/api/v1/organisation" in schema["paths"]
