"""The grids app's models, one module per topic: the unit tree, staff accounts and their
assignments, Party members, and reporting with service posts."""

from .accounts import AccountAction, AccountEvent, Assignment, Role, StaffProfile
from .audit import AuditEntry, AuditKind
from .jobs import Job, JobStatus
from .members import (
    AgeBand,
    AttemptKind,
    Category,
    Education,
    Gender,
    LeftReason,
    Member,
    MemberMove,
    MemberQuerySet,
    MemberStatus,
    PersonalDataReveal,
    RefusedRegistration,
    RevealKind,
)
from .posts import PostClaim, PostKind, Report, ServicePost
from .reports import ReportKind, UnitReport
from .scoped import ScopedQuerySet
from .tree import Level, OrgKind, Unit, UnitQuerySet

__all__ = [
    "AuditEntry",
    "AuditKind",
    "AccountAction",
    "AccountEvent",
    "StaffProfile",
    "AgeBand",
    "Assignment",
    "AttemptKind",
    "Category",
    "Education",
    "Gender",
    "Job",
    "ReportKind",
    "UnitReport",
    "JobStatus",
    "Level",
    "LeftReason",
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
    "ScopedQuerySet",
    "ServicePost",
    "Unit",
    "UnitQuerySet",
]
