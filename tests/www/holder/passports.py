"""A passport of every kind of entry, from every kind of source, built in bulk."""

import datetime

from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)
from tests.factories import OrganisationFactory

ACTOR = Actor.system("tests")


def passport(person, *, employer=None, certifier=None, provider=None, years=1, today=None):
    """`years` × 6 entries (one of each kind) built in bulk; returns them."""
    today = today or timezone.localdate()
    employer = employer or OrganisationFactory(name="Boulangerie Dupain")
    certifier = certifier or OrganisationFactory(certifier=True, name="Université de Lille")
    provider = provider or OrganisationFactory(training_provider=True, name="Formapro")
    now = timezone.now()
    built = []
    for n in range(years):
        year = today.year - 1 - n
        built += [
            records.build_record(
                EmploymentPeriod,
                person,
                records.Provenance(SourceKind.DSN, now, employer, f"DSN {year}"),
                employer=employer,
                employer_name=employer.name,
                siret=employer.siret,
                contract_nature="01",
                job_title=f"Boulangère {n}",
                start_date=datetime.date(year, 1, 1),
                end_date=datetime.date(year, 6, 30),
            ),
            records.build_record(
                Certification,
                person,
                records.Provenance(SourceKind.ACCROCHAGE, now, certifier, f"passage {n}"),
                certification_kind="RNCP",
                code="RNCP34321",
                title=f"Licence professionnelle métiers de l'électricité {n}",
                level=6,
                certifier=certifier,
                certifier_name=certifier.name,
                awarded_on=datetime.date(year, 7, 1),
                blocs=[{"code": "RNCP34321BC01", "label": "Concevoir une installation"}],
            ),
            records.build_record(
                Training,
                person,
                records.Provenance(SourceKind.MON_COMPTE_FORMATION, now, provider, "CPF"),
                title=f"Anglais professionnel {n}",
                provider=provider,
                provider_name=provider.name,
                start_date=datetime.date(year, 3, 1),
                end_date=datetime.date(year, 3, 20),
                hours=35,
                funded_by_cpf=True,
            ),
            records.build_record(
                PreventionTraining,
                person,
                records.Provenance(SourceKind.TRAINING_PROVIDER, now, provider, "ADF"),
                declaration_kind="ADF",
                title=f"Sauveteur secouriste du travail {n}",
                provider_name=provider.name,
                start_date=datetime.date(year, 2, 1),
                end_date=datetime.date(year, 2, 2),
                valid_from=datetime.date(year, 2, 2),
                valid_until=datetime.date(year + 2, 2, 2),
            ),
            records.build_record(
                Engagement,
                person,
                records.Provenance(SourceKind.CEC, now, None, "CEC"),
                engagement_kind="volunteer_firefighter",
                organisation_name="SDIS du Nord",
                role="Sapeuse-pompière",
                start_date=datetime.date(year, 9, 1),
                end_date=datetime.date(year, 12, 31),
                hours=80,
            ),
            records.build_record(
                DeclaredItem,
                person,
                records.Provenance.from_holder(now),
                item_kind="language",
                title=f"Espagnol {n}",
                language_level="B2",
                start_date=datetime.date(year, 10, 1),
            ),
        ]
    records.store_many(built, actor=ACTOR)
    return built
