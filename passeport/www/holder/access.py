"""Who may enter the holder's space, and the access log of reads by others.

Every read of a holder's data by someone other than the holder (an employer with their
consent, the recipient of a share, an operator) goes through `record_read`; the holder's
own reads are not journaled."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from passeport.identity.permissions import can_view_holder_space
from passeport.journal.actors import Actor
from passeport.journal.services import log_person_data_read


def holder_required(view):
    """Holders only (anonymous visitors are sent to the login page by the middleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_holder_space(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def record_read(person, actor, what: str):
    """Journals a read of `person`'s data by `actor` (a User or an Actor) unless the actor
    is that person's own account; returns the journal entry, or None."""
    if not isinstance(actor, Actor):
        if getattr(actor, "person_id", None) == person.pk:
            return None
        actor = Actor.for_user(actor)
    elif actor.kind == "holder" and actor.identifier == _own_user_id(person):
        return None
    return log_person_data_read(person, actor, what)


def _own_user_id(person) -> str | None:
    from passeport.users.models import User

    user = User.objects.filter(person=person).only("public_id").first()
    return str(user.public_id) if user else None
