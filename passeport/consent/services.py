"""Setting a holder's prevention consents; every change is journaled."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.journal.services import Event, log
from passeport.organisations.models import Organisation
from passeport.records.models import EmploymentPeriod, PreventionTraining

from .models import ConsentScope, PreventionConsent


def consent_employers(person, today: datetime.date | None = None) -> list[Organisation]:
    """The employers whose consent matters to a holder: those they work for now, those
    that declared or are named on one of their prevention trainings, and those they
    already answered (so that an answer can be changed) — not every employer of their
    DSN history since their first job."""
    today = today or timezone.localdate()
    periods = EmploymentPeriod.objects.filter(person=person, employer__isnull=False).current()
    current = periods.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    trainings = PreventionTraining.objects.filter(person=person).current()
    named = trainings.exclude(employer_siret="").values("employer_siret")
    declared = trainings.filter(declarant__is_employer=True).values("declarant_id")
    answered = PreventionConsent.objects.filter(person=person).values("employer_id")
    return list(
        Organisation.objects.filter(
            Q(pk__in=current.values("employer_id"))
            | Q(is_employer=True, siret__in=named)
            | Q(pk__in=declared)
            | Q(pk__in=answered)
        ).order_by("name", "pk")
    )


@transaction.atomic
def set_prevention_consent(
    person, employer, *, scope: str, lineages=(), actor: Actor
) -> PreventionConsent:
    lineages = sorted({str(value) for value in lineages}) if scope == ConsentScope.PART else []
    consent, _ = PreventionConsent.objects.select_for_update().get_or_create(
        person=person, employer=employer
    )
    previous = (consent.scope, list(consent.lineages))
    consent.scope, consent.lineages = scope, lineages
    consent.full_clean(exclude=["person", "employer"])
    consent.save()
    if previous != (scope, lineages):
        log(
            Event(
                actor,
                "consent.prevention_updated",
                "organisations.Organisation",
                str(employer.public_id),
                person.pk,
                payload={"siret": employer.siret, "scope": scope, "lineages": lineages},
            )
        )
    return consent
