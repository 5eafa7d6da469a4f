"""Journal events of identity and access (written through journal.services.log)."""

from passeport.journal.actors import Actor, ActorKind
from passeport.journal.services import Event, log


def log_login(user, provider: str, acr: str = ""):
    return log(
        Event(
            Actor.for_user(user),
            "identity.login",
            "users.User",
            str(user.public_id),
            user.person_id,
            payload={"provider": provider, "acr": acr},
        )
    )


def log_login_refused(provider: str, code: str, person=None):
    """A refused login: the reason's code only, never the identity received."""
    return log(
        Event(
            Actor(ActorKind.ANONYMOUS, "", "Visiteur"),
            "identity.login_refused",
            "people.Person" if person else "",
            str(person.public_id) if person else "",
            person.pk if person else None,
            payload={"provider": provider, "code": code},
        )
    )


def log_logout(user):
    return log(Event(Actor.for_user(user), "identity.logout", "users.User", str(user.public_id)))


def log_terms_accepted(user, version: str):
    return log(
        Event(
            Actor.for_user(user),
            "identity.terms_accepted",
            "users.User",
            str(user.public_id),
            user.person_id,
            payload={"version": version},
        )
    )


def log_membership_event(action: str, actor_user, membership_or_invitation, **payload):
    organisation = membership_or_invitation.organisation
    return log(
        Event(
            Actor.for_user(actor_user),
            f"identity.{action}",
            "organisations.Organisation",
            str(organisation.public_id),
            payload={"siret": organisation.siret, **payload},
        )
    )
