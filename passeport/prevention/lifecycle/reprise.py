"""The employer's reprise: declaring a training its provider did not declare in time."""

import dataclasses
import datetime

from django.db.models import Q
from django.utils import timezone

from .. import deadlines
from ..enums import DeclarantRole, DeclarationKind, LineStatus
from ..models import Declaration, DeclarationLine

# --- Reprise ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RepriseWindow:
    reference_day: datetime.date
    provider_deadline: datetime.date
    opens_on: datetime.date  # first day the employer may declare instead
    closes_on: datetime.date  # the employer's own deadline

    def state_on(self, today: datetime.date) -> str:
        if today < self.opens_on:
            return "not_yet"
        if today > self.closes_on:
            return "closed"
        return "open"


def reprise_window(reference_day: datetime.date) -> RepriseWindow:
    """When an employer may declare a training whose provider has not declared it:
    from the day after the provider's deadline to the employer's own deadline."""
    return RepriseWindow(
        reference_day=reference_day,
        provider_deadline=deadlines.declare_before(DeclarantRole.PROVIDER, reference_day),
        opens_on=deadlines.reprise_from(reference_day),
        closes_on=deadlines.declare_before(DeclarantRole.EMPLOYER, reference_day),
    )


def is_reprise(declaration: Declaration) -> bool:
    """An employer's declaration made after the provider's deadline for that training:
    a reprise when the training was delivered by a provider."""
    return declaration.declarant_role == DeclarantRole.EMPLOYER and timezone.localdate(
        declaration.created_at
    ) > deadlines.declare_before(DeclarantRole.PROVIDER, declaration.deadline_from)


def provider_duplicates(declaration: Declaration) -> list[DeclarationLine]:
    """For an employer's declaration: the providers' active lines about the same trainees
    naming this employer, for a training of the same title ending (ADF) or valid from
    (JDR) the same day. Both are kept (see the module's rule); this lets the employer see
    it and cancel its own if it wishes."""
    if declaration.declarant_role != DeclarantRole.EMPLOYER:
        return []
    persons = list(
        declaration.lines.filter(status=LineStatus.ACTIVE).values_list("person_id", flat=True)
    )
    if not persons:
        return []
    same_training = Q(declaration__kind=declaration.kind)
    if declaration.kind == DeclarationKind.ADF:
        same_training &= Q(declaration__end_date=declaration.end_date)
    else:
        same_training &= Q(valid_from=declaration.deadline_from)
    return list(
        DeclarationLine.objects.filter(
            same_training,
            person_id__in=persons,
            employer_id=declaration.declarant_id,
            status=LineStatus.ACTIVE,
            declaration__declarant_role=DeclarantRole.PROVIDER,
        )
        .filter(
            Q(declaration__title__iexact=declaration.title)
            | Q(declaration__jdr_name__iexact=declaration.jdr_name or declaration.title)
        )
        .select_related("declaration__declarant")
        .order_by("pk")
    )
