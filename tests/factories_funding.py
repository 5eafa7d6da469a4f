"""Factories of the funders' portal (passeport.funding)."""

import datetime

import factory

from passeport.funding.enums import ConventionStatus, RuleStatus
from passeport.funding.models import Convention, Envelope, Rule

from .factories import OrganisationFactory


class FunderFactory(OrganisationFactory):
    is_employer = False
    is_funder = True
    naf_code = "84.11Z"


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    funder = factory.SubFactory(FunderFactory)
    title = "Convention de co-construction"
    status = ConventionStatus.APPROVED
    starts_on = datetime.date(2025, 1, 1)


class EnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Envelope

    funder = factory.SubFactory(FunderFactory)
    name = factory.Sequence(lambda n: f"Enveloppe {n}")
    budget_cents = 10_000_000


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    funder = factory.SelfAttribute("envelope.funder")
    envelope = factory.SubFactory(EnvelopeFactory)
    name = factory.Sequence(lambda n: f"Règle {n}")
    status = RuleStatus.PUBLISHED
    fixed_cents = 80_000
    starts_on = datetime.date(2025, 1, 1)
    published_at = factory.LazyFunction(lambda: datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))


def transfer_reference(funder, day="011226", code="BAFO") -> str:
    return f"CPF-{funder.siren}-{code}-{day}"
