"""Who may see an employer's follow-up, and the journal of what it showed."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from passeport.identity.permissions import can_view_organisation
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation


def employer_of(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_view_organisation(request.user, organisation) or not organisation.is_employer:
        raise PermissionDenied
    return organisation


def journal_reads(request, organisation, people, what: str) -> None:
    """One access-log entry per person whose trainings were shown, in one append."""
    actor = Actor.for_user(request.user)
    label = f"{what} ({organisation.name}, SIRET {organisation.siret})"
    journal.append(
        journal.Event(
            actor,
            "person.read",
            "people.Person",
            str(person.public_id),
            person.pk,
            payload={"what": label},
        )
        for person in people
    )
