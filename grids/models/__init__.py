"""The grids app's models, one module per topic: the unit tree, staff accounts and their
assignments, Party members, and reporting with service posts."""

from .accounts import AccountAction, AccountEvent, Assignment, Role, StaffProfile
from .audit import AuditEntry, AuditKind
from .demands import (
    DEFAULT_CATEGORIES,
    OPEN_DEMAND_STATUSES,
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    Satisfaction,
)
from .demands_records import MAX_PHOTOS, DemandAction, DemandHelper, DemandPhoto, DemandTransition, PhotoStage
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
from .notifications import Notification
from .posts import PostClaim, PostKind, Report, ServicePost
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
    "DEFAULT_CATEGORIES",
    "Demand",
    "DemandAction",
    "DemandCategory",
    "DemandHelper",
    "DemandPhoto",
    "DemandSource",
    "DemandStatus",
    "DemandTransition",
    "MAX_PHOTOS",
    "Notification",
    "OPEN_DEMAND_STATUSES",
    "PhotoStage",
    "Satisfaction",
    "Job",
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
