"""Who may do what: small pure functions `can_<verb>_<object>(user, obj)`, read by views
and templates alike. Anonymous users, holders and members of other organisations get
False everywhere they should."""

from passeport.organisations.enums import MembershipRole
from passeport.users.enums import UserKind


def _is(user, kind: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.kind == kind)


def _role(user, organisation) -> str | None:
    if not _is(user, UserKind.PROFESSIONAL) or organisation is None:
        return None
    membership = user.memberships.filter(organisation=organisation).first()
    return membership.role if membership else None


def can_view_holder_space(user) -> bool:
    return _is(user, UserKind.HOLDER) and user.person_id is not None


def can_view_organisation(user, organisation) -> bool:
    return _role(user, organisation) is not None


def can_manage_members(user, organisation) -> bool:
    return _role(user, organisation) == MembershipRole.ADMIN


def can_remove_member(user, membership) -> bool:
    """Administrators remove others; nobody removes themselves (an organisation keeps an
    administrator)."""
    return membership.user_id != getattr(user, "pk", None) and can_manage_members(
        user, membership.organisation
    )


def can_manage_api_clients(user, organisation) -> bool:
    return can_manage_members(user, organisation)
