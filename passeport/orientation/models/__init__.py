from .grants import ActionStep, CounsellingGrant, GrantTransition
from .profile import JobMatch, PreventionKindSkill, SavedTarget

__all__ = [
    "ActionStep",
    "CounsellingGrant",
    "GrantTransition",
    "JobMatch",
    "PreventionKindSkill",
    "SavedTarget",
]
