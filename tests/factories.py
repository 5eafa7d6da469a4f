"""factory_boy factories; identifiers are valid (NIR keys, SIRET Luhn) by construction."""

import datetime

import factory
from django.utils import timezone

from passeport.organisations.models import Organisation
from passeport.organisations.siret import make_siren, make_siret
from passeport.people.models import Person
from passeport.people.nir import make_nir
from passeport.records import models as records
from passeport.records.enums import Assurance, SourceKind
from passeport.users.enums import IdentityProvider, UserKind
from passeport.users.models import User


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    birth_name = factory.Faker("last_name", locale="fr_FR")
    first_names = factory.Faker("first_name", locale="fr_FR")
    sex = "F"
    birth_year = factory.Sequence(lambda n: 1960 + n % 45)
    birth_month = factory.Sequence(lambda n: 1 + n % 12)
    birth_day = 15
    birth_commune_code = "75107"
    birth_country_code = "99100"
    cpf_activated_at = factory.LazyFunction(timezone.now)
    # Unique and consistent with the birth data unless given.
    nir = factory.LazyAttributeSequence(
        lambda o, n: make_nir(
            o.sex,
            o.birth_year,
            o.birth_month,
            o.birth_commune_code or o.birth_country_code,
            1 + n % 999,
        )
    )

    class Params:
        born_abroad = factory.Trait(birth_commune_code="", birth_country_code="99351")
        not_activated = factory.Trait(cpf_activated_at=None)

    @classmethod
    def _build(cls, model_class, *args, nir, **kwargs):
        person = model_class(*args, **kwargs)
        person.set_nir(nir)
        return person

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = cls._build(model_class, *args, **kwargs)
        person.save()
        return person


def _valid_siret(n):
    return make_siret(make_siren(f"{30_000_000 + n:08d}"), f"{n % 10_000:04d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    siret = factory.Sequence(_valid_siret)
    name = factory.Faker("company", locale="fr_FR")
    naf_code = "62.01Z"
    is_employer = True

    class Params:
        training_provider = factory.Trait(
            is_employer=False,
            is_training_provider=True,
            nda_number="11755555575",
            naf_code="85.59A",
        )
        certifier = factory.Trait(
            is_employer=False,
            is_certifier=True,
            certifier_id_client=factory.Sequence(lambda n: f"CERT{n:04d}"),
            naf_code="85.59A",
        )
        counselling = factory.Trait(is_employer=False, is_counselling=True, naf_code="88.99B")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    kind = UserKind.PROFESSIONAL
    identity_provider = IdentityProvider.PROCONNECT

    class Params:
        holder = factory.Trait(
            kind=UserKind.HOLDER,
            identity_provider=IdentityProvider.FRANCECONNECT,
            person=factory.SubFactory(PersonFactory),
        )


class RecordFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    source_kind = SourceKind.DSN
    assurance = Assurance.GUARANTEED
    received_at = factory.LazyFunction(timezone.now)

    class Params:
        declared = factory.Trait(source_kind=SourceKind.HOLDER, assurance=Assurance.DECLARED)


class EmploymentPeriodFactory(RecordFactory):
    class Meta:
        model = records.EmploymentPeriod

    employer = factory.SubFactory(OrganisationFactory)
    employer_name = factory.SelfAttribute("employer.name")
    siret = factory.SelfAttribute("employer.siret")
    job_title = "Technicienne de maintenance"
    contract_nature = "01"
    start_date = datetime.date(2015, 3, 1)


class PreventionTrainingFactory(RecordFactory):
    class Meta:
        model = records.PreventionTraining

    source_kind = SourceKind.TRAINING_PROVIDER
    declaration_kind = "ADF"
    title = "Sauveteur secouriste du travail (SST)"
    start_date = datetime.date(2025, 1, 6)
    end_date = datetime.date(2025, 1, 7)
    valid_from = datetime.date(2025, 1, 7)
    valid_until = datetime.date(2027, 1, 7)
