"""Shared by tests/documents, tests/sharing and tests/www/test_verify*: a holder with a published
passport. Documents are rendered by the queue's task, run synchronously once the test
executes the commit callbacks (Huey's immediate mode)."""

import pytest

from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.models import RECORD_MODELS
from tests.factories import UserFactory
from tests.www.holder.passports import passport


def publish_all(user):
    """Publishes every current entry of the user's passport; returns them (as stored)."""
    stored = [
        record
        for model in RECORD_MODELS
        for record in model.objects.filter(person=user.person).current().order_by("pk")
    ]
    records.set_publication(stored, published=True, actor=Actor.for_user(user))
    return stored


@pytest.fixture
def holder(db):
    return UserFactory(holder=True)


@pytest.fixture
def published(holder):
    """Six entries (one of each kind), all published."""
    passport(holder.person)
    return publish_all(holder)


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client
