"""Who may do what with offers and training files: small functions read by views, the
API and templates. Anonymous users, other holders and members of other organisations
get False."""

from passeport.users.enums import UserKind


def _active(user, kind) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.kind == kind)


def can_manage_offers(user, organisation) -> bool:
    """Members of a training provider manage its offer and its files."""
    return (
        _active(user, UserKind.PROFESSIONAL)
        and organisation is not None
        and organisation.is_training_provider
        and user.memberships.filter(organisation=organisation).exists()
    )


def can_view_file(user, file) -> bool:
    if _active(user, UserKind.HOLDER):
        return user.person_id is not None and user.person_id == file.person_id
    return can_manage_offers(user, file.provider)


def can_buy(user, session_provider: str) -> bool:
    """Buying needs a FranceConnect+ login (eIDAS substantial) in this session."""
    return (
        _active(user, UserKind.HOLDER)
        and user.person_id is not None
        and session_provider == "franceconnect_plus"
    )
