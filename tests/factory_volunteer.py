"""Factories for the volunteering models (issue 5)."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from projects.models import (
    Activity,
    Certificate,
    ProjectCategory,
    ProjectStatus,
    ServiceProject,
    ServiceRecord,
    Signup,
    Volunteer,
    VolunteerTeam,
)
from projects.models.activities import hash_token

_seq = itertools.count(1)


def make_project(unit, title=None, **extra):
    extra.setdefault("category", ProjectCategory.ELDERLY)
    extra.setdefault("status", ProjectStatus.ACTIVE)
    return ServiceProject.objects.create(unit=unit, title=title or f"项目{next(_seq)}", **extra)


def make_activity(project, *, days=3, hours=2, capacity=10, **extra):
    starts = timezone.now() + timedelta(days=days)
    extra.setdefault("title", f"活动{next(_seq)}")
    extra.setdefault("address", "梅岗社区党群服务中心")
    extra.setdefault("signup_deadline", starts - timedelta(hours=1))
    return Activity.objects.create(
        project=project, starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity, **extra
    )


def make_mobile():
    return f"139{next(_seq):08d}"


def make_volunteer(unit, name=None, mobile=None, **extra):
    return Volunteer.objects.create(
        unit=unit, name=name or f"志愿者{next(_seq)}", mobile=mobile or make_mobile(), **extra
    )


def make_team(unit, name=None, **extra):
    return VolunteerTeam.objects.create(unit=unit, name=name or f"服务队{next(_seq)}", **extra)


def make_signup(activity, name="张三", mobile=None, **extra):
    return Signup.objects.create(
        activity=activity, name=name, mobile=mobile or make_mobile(), token_hash=hash_token(f"t{next(_seq)}"), **extra
    )


def make_record(activity, volunteer, hours="2.00"):
    """A service record, and the kept team totals refreshed as record_attendance does."""
    record = ServiceRecord.objects.create(activity=activity, volunteer=volunteer, hours=Decimal(hours))
    VolunteerTeam.objects.of_volunteers([volunteer.pk]).refresh_ranking()
    return record


def make_certificate(volunteer, hours="2.00"):
    today = timezone.localdate()
    return Certificate.objects.create(
        volunteer=volunteer,
        unit=volunteer.unit,
        period_start=today.replace(month=1, day=1),
        period_end=today,
        hours=Decimal(hours),
        code=f"T{next(_seq):011d}",  # 12 characters, unique however long the run
    )


def activity_in(unit):
    """An upcoming activity of a new project of `unit`."""
    return make_activity(make_project(unit))
