"""The grids app's models, one module per topic: the unit tree, staff accounts and their
assignments, Party members, and reporting with service posts."""

from .accounts import AccountAction, AccountEvent, Assignment, Role, StaffProfile
from .members import (
    AgeBand,
    AttemptKind,
    Category,
    Education,
    Gender,
    Member,
    MemberMove,
    MemberQuerySet,
    MemberStatus,
    PersonalDataReveal,
    RefusedRegistration,
    RevealKind,
)
from .posts import PostClaim, PostKind, Report, ServicePost
from .tree import Level, OrgKind, Unit, UnitQuerySet

__all__ = [
    "AccountAction",
    "AccountEvent",
    "StaffProfile",
    "AgeBand",
    "Assignment",
    "AttemptKind",
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
    "RefusedRegistration",
    "Report",
    "RevealKind",
    "Role",
    "ServicePost",
    "Unit",
    "UnitQuerySet",
]
