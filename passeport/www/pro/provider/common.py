from django.http import Http404
from django.shortcuts import get_object_or_404

from passeport.catalog.permissions import can_manage_offers
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation


def provider_of(request, public_id) -> Organisation:
    """The provider whose space this is; another organisation's space does not exist for
    this user (404), as for anyone who is not one of its members."""
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_manage_offers(request.user, organisation):
        raise Http404
    return organisation


def actor_of(user, organisation) -> Actor:
    actor = Actor.for_user(user)
    return Actor(actor.kind, actor.identifier, f"{actor.label}, {organisation.name}")
