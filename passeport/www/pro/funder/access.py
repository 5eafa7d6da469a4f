"""Who may see and act in a funder's space: its members, when it is a funder. Another
organisation's space does not exist for a user (404); a member of a non-funder is
refused (403); nothing is created or published before the convention is approved."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from passeport.funding.lifecycle import has_approved_convention
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Membership, Organisation
from passeport.users.enums import UserKind


def can_view_funding(user, organisation) -> bool:
    return bool(
        user.is_authenticated
        and user.kind == UserKind.PROFESSIONAL
        and organisation.is_funder
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    )


def can_manage_funding(user, organisation) -> bool:
    """Sending orders and writing rules: a member, once the convention is approved."""
    return can_view_funding(user, organisation) and has_approved_convention(organisation)


def funder_of(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    user = request.user
    if not (
        user.is_authenticated
        and user.kind == UserKind.PROFESSIONAL
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    ):
        raise Http404
    if not organisation.is_funder:
        raise PermissionDenied("Cet espace est réservé aux financeurs.")
    return organisation


def managing(request, public_id) -> Organisation:
    funder = funder_of(request, public_id)
    if not can_manage_funding(request.user, funder):
        raise PermissionDenied("Votre convention avec la Caisse des Dépôts n'est pas approuvée.")
    return funder


def journal_reads(user, person_ids, what: str) -> None:
    """One journal entry per holder whose data (as the funder sent it) is shown."""
    from passeport.people.models import Person

    actor = Actor.for_user(user)
    persons = Person.objects.filter(pk__in=set(person_ids)).only("pk", "public_id")
    journal.append(
        journal.Event(
            actor, "person.read", "people.Person", str(p.public_id), p.pk, payload={"what": what}
        )
        for p in persons.order_by("pk")
    )
