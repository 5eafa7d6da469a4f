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


def is_last_administrator(membership) -> bool:
    """An organisation keeps at least one administrator: this one is its only one."""
    return (
        membership.role == MembershipRole.ADMIN
        and not membership.organisation.memberships.filter(role=MembershipRole.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def can_remove_member(user, membership) -> bool:
    """Administrators remove members, other administrators and themselves (leaving the
    organisation), never its last administrator."""
    return can_manage_members(user, membership.organisation) and not is_last_administrator(
        membership
    )


def can_promote_member(user, membership) -> bool:
    """Administrators make a member an administrator."""
    return membership.role == MembershipRole.MEMBER and can_manage_members(
        user, membership.organisation
    )


def can_manage_api_clients(user, organisation) -> bool:
    return can_manage_members(user, organisation)


def can_handle_correction_requests(user, organisation) -> bool:
    """Every member (administrator or not) reads and answers the error reports that
    holders send about the entries their organisation declared."""
    return can_view_organisation(user, organisation)
