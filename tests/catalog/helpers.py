"""Offers and files for the catalogue's tests, built through the services (the rules run)."""

import datetime

from django.utils import timezone

from passeport.catalog import files, offers
from passeport.catalog.enums import Modality
from passeport.catalog.workdays import add_working_days
from passeport.journal.actors import Actor, ActorKind
from passeport.referentials.models import Commune, Fiche, FicheCertifier
from tests.factories import OrganisationFactory

PROVIDER_ACTOR = Actor(ActorKind.PROFESSIONAL, "pro-1", "Formateur, Organisme")
SYSTEM = Actor.system("tests")


def holder_actor(person) -> Actor:
    return Actor(ActorKind.HOLDER, str(person.public_id), "Titulaire")


def provider(**fields):
    defaults = {"training_provider": True, "qualiopi_valid_until": datetime.date(2030, 12, 31)}
    return OrganisationFactory(**{**defaults, **fields})


def commune(code="69123", name="Lyon", department="69", region="84"):
    return Commune.objects.get_or_create(
        code=code,
        kind="COM",
        defaults={
            "name": name,
            "department_code": department,
            "region_code": region,
            "search_text": name.lower(),
        },
    )[0]


def fiche(code="RNCP37827", title="Développeur web et web mobile", level=5, certifier=None):
    made = Fiche.objects.create(
        code=code,
        kind=code[:2] if code.startswith("RS") else "RNCP",
        title=title,
        level=level,
        active=True,
    )
    if certifier is not None:
        FicheCertifier.objects.create(fiche=made, siret=certifier.siret, name=certifier.name)
    return made


def offer(
    org,
    *,
    ref="F1",
    title="Développeur web",
    objectives="Concevoir des applications web.",
    code="",
    price_cents=200_000,
    modality=Modality.IN_PERSON,
    commune_code="69123",
    start=None,
    prerequisites=False,
    codes=None,
    known_commune=True,
):
    """A training with one action and one session starting `start` (default: in 30 days)."""
    if known_commune and commune_code and modality != Modality.REMOTE:
        commune(commune_code)
    training = offers.save_training(
        org,
        offers.TrainingData(
            provider_ref=ref,
            title=title,
            objectives=objectives,
            certification_code=code,
            has_prerequisites=prerequisites,
            codes=codes or {},
        ),
    )
    action = offers.save_action(
        training,
        offers.ActionData(
            provider_ref=f"{ref}-A",
            price_cents=price_cents,
            hours=400,
            modality=modality,
            commune_code=commune_code if modality != Modality.REMOTE else "",
        ),
    )
    start = start or timezone.localdate() + datetime.timedelta(days=30)
    session = offers.save_session(
        action,
        offers.SessionData(
            provider_ref=f"{ref}-S", start_date=start, end_date=start + datetime.timedelta(days=60)
        ),
    )
    return training, action, session


def validated_file(person, session, *, today=None, price_cents=None):
    today = today or timezone.localdate()
    file = files.apply(person, session, actor=holder_actor(person), today=today)
    start = max(session.start_date, add_working_days(today, 11))
    return files.validate(
        file,
        actor=PROVIDER_ACTOR,
        today=today,
        price_cents=price_cents or session.action.price_cents,
        start_date=start,
        end_date=start + datetime.timedelta(days=60),
        hours=session.action.hours,
    )


def billable_file(person, session, *, completion=100, today=None, exit_reason=None):
    """A file through the whole lifecycle to « service fait validé » (billing « à
    facturer »); `person` has rights covering the price (see tests.cpf.helpers)."""
    from passeport.catalog.enums import ReasonCode

    exit_reason = exit_reason or ReasonCode.EXIT_COMPLETED
    today = today or timezone.localdate()
    file = validated_file(person, session, today=today)
    file = files.accept(file, actor=holder_actor(person), today=today, paid_cents=10_320)
    start = file.start_date
    files.declare_entry(file, actor=PROVIDER_ACTOR, entered_on=start, today=start)
    files.declare_exit(file, actor=PROVIDER_ACTOR, exited_on=start, reason=exit_reason, today=start)
    files.declare_service_done(
        file,
        actor=PROVIDER_ACTOR,
        completion_percent=completion,
        absence_hours=0,
        certification_obtained=None,
        today=start,
    )
    return files.validate_service_done(file, actor=SYSTEM)
