"""The OpenAPI document and the API cannot drift apart: schemathesis generates requests
from /api/openapi.json against the running service (pytest-django's live server) and
runs all its checks on every answer (no server error, status and body as documented,
schema-valid requests accepted, invalid ones refused). Bounded examples per operation,
a fixed seed: the same requests on every run."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from passeport.api import services
from passeport.api.models import ApiScope
from passeport.api.urls import api
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 15


@pytest.fixture
def bearer(db):
    """A client of an organisation of every kind, with every scope."""
    organisation = OrganisationFactory(
        training_provider=True,
        certifier=True,
        is_employer=True,
        is_civic_body=True,
        is_public_employer=True,
    )
    admin = UserFactory()
    Membership.objects.create(user=admin, organisation=organisation, role=MembershipRole.ADMIN)
    client, secret = services.create_client(
        organisation, name="Tests", scopes=list(ApiScope.values), created_by=admin
    )
    raw, _ = services.issue_token(client.client_id, secret, None)
    return {"Authorization": f"Bearer {raw}"}


# Every check, each as shipped except one: a well-formed request may still be refused by a
# rule no schema can state (a NIR that matches nobody, a SIRET we do not know): that is a
# 422 with its reasons, which "positive data acceptance" must admit.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
# The document the service serves at /api/openapi.json, built the same way (no database).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(case, live_server, bearer, rate_limit_window):
    case.call_and_validate(base_url=live_server.url, headers=bearer)
