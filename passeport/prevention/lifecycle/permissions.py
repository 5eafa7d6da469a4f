"""Who may change a prevention declaration, or verify it."""

from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.users.enums import UserKind

from ..enums import ReviewStatus
from ..models import DeclarationLine

# --- Who may do what --------------------------------------------------------------------


def _member_role(user, organisation) -> str | None:
    if not (
        user
        and user.is_authenticated
        and user.is_active
        and user.kind == UserKind.PROFESSIONAL
        and organisation is not None
    ):
        return None
    membership = user.memberships.filter(organisation=organisation).first()
    return membership.role if membership else None


def can_manage_declarations(user, organisation) -> bool:
    """Members of the declarant organisation (any role) correct and cancel its
    declarations, as they declare them."""
    return _member_role(user, organisation) in (MembershipRole.ADMIN, MembershipRole.MEMBER)


def can_review_line(user, line: DeclarationLine) -> bool:
    """Members of the employer named on the line, never the declarant's (a provider that
    is also the employer does not verify itself: such a line is not under review)."""
    return (
        line.review_status != ReviewStatus.NOT_APPLICABLE
        and line.employer_id is not None
        and line.employer_id != line.declarant_id
        and _member_role(user, line.employer) is not None
    )


def member_actor(user, organisation) -> Actor:
    """A member acting for an organisation: the journal keeps both names; the holder is
    shown the organisation's (see `history`)."""
    actor = Actor.for_user(user)
    return Actor(actor.kind, actor.identifier, f"{actor.label}, {organisation.name}")
