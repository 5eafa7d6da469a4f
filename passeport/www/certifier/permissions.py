"""Who may do what on the certifier's portal: small pure functions, read by views."""

from passeport.organisations.models import Membership, Organisation
from passeport.users.enums import UserKind


def _is_professional(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.kind == UserKind.PROFESSIONAL
    )


def certifier_organisations(user):
    """The certifier organisations the user acts for."""
    if not _is_professional(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(is_certifier=True, memberships__user=user).order_by("name")


def can_submit_accrochage(user, organisation) -> bool:
    return (
        _is_professional(user)
        and organisation.is_certifier
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    )


def can_view_submission(user, submission) -> bool:
    return can_submit_accrochage(user, submission.certifier)
