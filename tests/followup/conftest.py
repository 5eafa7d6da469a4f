import datetime

import pytest
from django.utils import timezone

from passeport.consent.models import PreventionConsent
from passeport.organisations.models import Membership
from tests.factories import (
    EmploymentPeriodFactory,
    OrganisationFactory,
    PreventionTrainingFactory,
    UserFactory,
)


@pytest.fixture
def day():
    return timezone.localdate()


@pytest.fixture
def employer():
    organisation = OrganisationFactory(name="Bâtiments Durand")
    admin = UserFactory(first_name="Claire", last_name="Durand", email="claire@durand.example")
    member = UserFactory(first_name="Paul", last_name="Martin", email="paul@durand.example")
    Membership.objects.create(user=admin, organisation=organisation, role="admin")
    Membership.objects.create(user=member, organisation=organisation, role="member")
    organisation.admin, organisation.member = admin, member
    return organisation


@pytest.fixture
def make_employee(employer):
    """A holder (with an account and e-mail) employed today by `employer`, with a consent
    scope ("all", "part", "none" or None for no row)."""

    def make(scope="all", *, organisation=None, email=True, **person):
        organisation = organisation or employer
        user = UserFactory(holder=True, email="titulaire@example.org" if email else "")
        for name, value in person.items():
            setattr(user.person, name, value)
        user.person.save()
        EmploymentPeriodFactory(
            person=user.person,
            employer=organisation,
            declarant=organisation,
            start_date=datetime.date(2020, 1, 1),
        )
        if scope is not None:
            PreventionConsent.objects.create(person=user.person, employer=organisation, scope=scope)
        return user.person

    return make


@pytest.fixture
def training():
    def make(person, *, valid_until, kind="SST", title=None, **fields):
        valid_from = fields.pop("valid_from", None) or min(
            valid_until - datetime.timedelta(days=700), datetime.date(2025, 1, 7)
        )
        return PreventionTrainingFactory(
            person=person,
            title=title or f"Formation {kind}",
            training_kind=kind,
            start_date=valid_from,
            end_date=valid_from,
            valid_from=valid_from,
            valid_until=valid_until,
            **fields,
        )

    return make
