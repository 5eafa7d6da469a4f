"""Holders, their clients and passports."""

import pytest

from tests.factories import UserFactory
from tests.www.holder.passports import passport


@pytest.fixture
def holder():
    return UserFactory(holder=True)


@pytest.fixture
def other_holder():
    return UserFactory(holder=True)


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


@pytest.fixture
def entries(holder):
    return passport(holder.person)
