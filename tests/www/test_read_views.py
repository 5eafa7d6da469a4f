"""The pages that only read run outside the request's transaction (no BEGIN/COMMIT on
PostgreSQL, no write lock from SQLite's BEGIN IMMEDIATE); the writes some of them make are
atomic on their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

pytestmark = pytest.mark.django_db(transaction=True)

READ_VIEWS = ["/", "/healthz", "/mentions-legales/", "/mon-espace/"]


@pytest.mark.parametrize("path", READ_VIEWS)
def test_read_views_are_outside_the_request_transaction(path):
    view = resolve(path).func
    assert "default" in getattr(view, "_non_atomic_requests", set())


def test_healthz_is_one_query_and_no_transaction(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    statements = [q["sql"].upper() for q in queries.captured_queries]
    assert statements == ["SELECT 1"]
