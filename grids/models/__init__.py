"""The grids app's models, one module per topic: the unit tree, staff accounts and their
assignments, Party members, and reporting with service posts."""

from .accounts import AccountAction, AccountEvent, Assignment, Role, StaffProfile
from .audit import AuditEntry, AuditKind
from .counts import UnitCount
from .demands import (
    DEFAULT_CATEGORIES,
    OPEN_DEMAND_STATUSES,
    Demand,
    DemandCategory,
    DemandSource,
    DemandStatus,
    Satisfaction,
)
from .demands_hours import DEFAULT_YEARLY_HOURS, DemandHoursRule
from .demands_records import MAX_PHOTOS, DemandAction, DemandHelper, DemandPhoto, DemandTransition, PhotoStage
from .dues import DuesAssessment, DuesCategory, DuesPayment, PaymentMethod, Relief
from .jobs import Job, JobStatus
from .meetings import (
    Attendance,
    Frequency,
    Meeting,
    MeetingAction,
    MeetingAttachment,
    MeetingEvent,
    MeetingKind,
    MeetingRule,
    Presence,
)
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
from .reports import ReportKind, UnitReport
from .scoped import ScopedQuerySet
from .tallies import UnitTally
from .transfers import Direction, Transfer, TransferEvent, TransferRule, TransferState
from .tree import Level, OrgKind, Unit, UnitQuerySet

__all__ = [
    "AuditEntry",
    "AuditKind",
    "AccountAction",
    "AccountEvent",
    "StaffProfile",
    "AgeBand",
    "UnitTally",
    "UnitCount",
    "Assignment",
    "AttemptKind",
    "Attendance",
    "Category",
    "DuesAssessment",
    "DuesCategory",
    "DuesPayment",
    "Direction",
    "Education",
    "Frequency",
    "Gender",
    "DEFAULT_CATEGORIES",
    "Demand",
    "DemandAction",
    "DemandCategory",
    "DEFAULT_YEARLY_HOURS",
    "DemandHelper",
    "DemandHoursRule",
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
    "ReportKind",
    "UnitReport",
    "JobStatus",
    "Level",
    "LeftReason",
    "Member",
    "Meeting",
    "MeetingAction",
    "MeetingEvent",
    "MeetingAttachment",
    "MeetingKind",
    "MeetingRule",
    "MemberMove",
    "MemberQuerySet",
    "MemberStatus",
    "OrgKind",
    "PaymentMethod",
    "PersonalDataReveal",
    "PostClaim",
    "PostKind",
    "Presence",
    "RefusedRegistration",
    "Relief",
    "Report",
    "RevealKind",
    "Role",
    "ScopedQuerySet",
    "ServicePost",
    "Transfer",
    "TransferEvent",
    "TransferRule",
    "TransferState",
    "Unit",
    "UnitQuerySet",
]
