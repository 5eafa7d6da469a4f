"""Setting a holder's prevention consents; every change is journaled."""

from django.db import transaction

from passeport.journal.actors import Actor
from passeport.journal.services import Event, log
from passeport.organisations.models import Organisation
from passeport.records.models import EmploymentPeriod

from .models import ConsentScope, PreventionConsent


def consent_employers(person) -> list[Organisation]:
    """The employers a holder may give consent to: those of their employment periods."""
    ids = (
        EmploymentPeriod.objects.filter(person=person, employer__isnull=False)
        .current()
        .values("employer_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


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
