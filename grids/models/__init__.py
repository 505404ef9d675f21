"""The grids app's models: the unit tree (tree.py) and the Party members hung on it (members.py)."""

from .accounts import AccountAction, AccountEvent, StaffProfile
from .members import (
    AgeBand,
    Category,
    Education,
    Gender,
    Member,
    MemberMove,
    MemberQuerySet,
    MemberStatus,
    PersonalDataReveal,
    PostClaim,
    PostKind,
    Report,
    RevealKind,
    ServicePost,
)
from .tree import Assignment, Level, OrgKind, Role, Unit, UnitQuerySet

__all__ = [
    "AccountAction",
    "AccountEvent",
    "StaffProfile",
    "AgeBand",
    "Assignment",
    "Category",
    "Education",
    "Gender",
    "Level",
    "Member",
    "MemberMove",
    "MemberQuerySet",
    "MemberStatus",
    "OrgKind",
    "PersonalDataReveal",
    "PostClaim",
    "PostKind",
    "Report",
    "RevealKind",
    "Role",
    "ServicePost",
    "Unit",
    "UnitQuerySet",
]
