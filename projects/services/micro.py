"""The 民生微实事 workflow: proposal, review, approval (立项), implementation, acceptance.

Every state change goes through one of these functions (keyword-only arguments), never
through save() or a signal, so the staff pages, the admin actions and the tests obey the
same rules. Each one locks the project row first, checks the move is legal from the state
the database holds now, changes it and appends a MicroTransition.

Money: approving locks the fund line's row (SELECT ... FOR UPDATE) before reading what is
left, so two approvals racing for the last money are serialised and exactly one wins.
Spending and the fund lines themselves are in funds.py, with the same locks.

Dates agree with each other and with today, and only a 民生微实事 line of the project's budget
year above its community pays for it: the rules are in micro_rules.py.
"""

import difflib
import math
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.money import ZERO, MoneySum, coalesce_money, format_yuan

from ..models.funds import FundLine, ProjectCap
from ..models.micro import OPEN_STATUSES, MicroProject, MicroStatus, MicroTransition, Milestone, ProposerKind
from .micro_rules import check_date, check_fund_line, check_resolution_date, fail

# The lifecycle: which status may follow which (撤销 from any open state).
ALLOWED = {
    MicroStatus.PROPOSED: {MicroStatus.REVIEWING, MicroStatus.WITHDRAWN},
    MicroStatus.REVIEWING: {MicroStatus.APPROVED, MicroStatus.REJECTED, MicroStatus.WITHDRAWN},
    MicroStatus.APPROVED: {MicroStatus.IN_PROGRESS, MicroStatus.WITHDRAWN},
    MicroStatus.IN_PROGRESS: {MicroStatus.ACCEPTED, MicroStatus.WITHDRAWN},
    MicroStatus.REJECTED: set(),
    MicroStatus.ACCEPTED: set(),
    MicroStatus.WITHDRAWN: set(),
}
# Unambiguous characters for codes read aloud or typed on a phone (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DUPLICATE_RADIUS_M = 100
TITLE_SIMILARITY = 0.5


def new_tracking_code():
    return "MS" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))


def lock_project(project):
    return MicroProject.objects.select_for_update().get(pk=project.pk)


def _check_move(project, to_status):
    if to_status not in ALLOWED[project.status]:
        fail(
            _("A project that is “%(from)s” cannot become “%(to)s”.")
            % {"from": MicroStatus(project.status).label, "to": MicroStatus(to_status).label}
        )


def _move(project, to_status, *, actor, note=""):
    """Check and record one step; the caller holds the row lock and saves the project."""
    _check_move(project, to_status)
    MicroTransition.objects.create(
        project=project, from_status=project.status, to_status=to_status, actor=actor, at=timezone.now(), note=note
    )
    project.status = to_status


def refresh(target, source):
    for field in MicroProject._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def clean_text(value):
    return (value or "").strip()


def propose(
    *,
    community,
    title,
    description,
    category,
    requested_amount,
    proposer_kind=ProposerKind.RESIDENT,
    proposer_name="",
    proposer_mobile="",
    proposer_user=None,
    proposer_organisation="",
    latitude=None,
    longitude=None,
    actor=None,
    note="",
    proposed_at=None,
):
    """征集: record a new proposal and give it a tracking code. `proposed_at` (default now)
    is for a proposal collected earlier on paper; never in the future."""
    if community.level != 3:
        fail(_("Choose a community."))
    if requested_amount is None or requested_amount <= 0:
        fail(_("The requested amount must be more than zero."))
    if proposed_at is not None and proposed_at > timezone.now():
        fail(_("A proposal cannot be dated in the future."))
    with transaction.atomic():
        project = MicroProject(
            community=community,
            title=clean_text(title),
            description=clean_text(description),
            category=category,
            proposer_kind=proposer_kind,
            proposer_name=clean_text(proposer_name),
            proposer_mobile=proposer_mobile,
            proposer_user=proposer_user,
            proposer_organisation=clean_text(proposer_organisation),
            requested_amount=requested_amount,
            latitude=latitude,
            longitude=longitude,
            tracking_code=new_tracking_code(),
            proposed_at=proposed_at or timezone.now(),
            status=MicroStatus.PROPOSED,
        )
        for attempt in range(5):
            try:
                # 31**8 codes: a clash is very unlikely, but the unique index has the last word.
                with transaction.atomic():
                    project.save()
                break
            except IntegrityError:
                if attempt == 4 or not MicroProject.objects.filter(tracking_code=project.tracking_code).exists():
                    raise
                project.pk = None
                project.tracking_code = new_tracking_code()
        MicroTransition.objects.create(
            project=project,
            from_status="",
            to_status=MicroStatus.PROPOSED,
            actor=actor,
            at=project.proposed_at,
            note=note,
        )
    return project


def start_review(*, project, actor, note=""):
    """征集 → 评议: the community's 居民议事会 takes the proposal up."""
    with transaction.atomic():
        locked = lock_project(project)
        _move(locked, MicroStatus.REVIEWING, actor=actor, note=note)
        locked.save(update_fields=["status"])
    refresh(project, locked)
    return project


def cap_for(*, community, year, category):
    """The district's cap for this category and year, or None when the district set none."""
    district_id = community.ancestor_ids()[0]
    return (
        ProjectCap.objects.filter(district_id=district_id, year=year, category=category)
        .values_list("max_amount", flat=True)
        .first()
    )


def fund_line_left(line):
    """What is left of a line, computed by the database (call inside the lock to rely on it)."""
    held = MicroProject.objects.filter(fund_line=line).aggregate(t=coalesce_money(MoneySum("reserved_amount")))["t"]
    return line.amount - held


def _check_resolution(resolution, resolution_date):
    if not clean_text(resolution) or resolution_date is None:
        fail(_("Record the council's resolution and its date."))


def approve(*, project, actor, amount, fund_line, resolution, resolution_date, note=""):
    """评议 → 立项: reserve `amount` from `fund_line`, within the category cap and what is left."""
    _check_resolution(resolution, resolution_date)
    if amount is None or amount <= 0:
        fail(_("The approved amount must be more than zero."))
    amount = Decimal(amount).quantize(Decimal("0.01"))
    with transaction.atomic():
        locked = lock_project(project)
        _check_move(locked, MicroStatus.APPROVED)
        check_resolution_date(locked, resolution_date)
        community = locked.community
        # Lock the line: a second approval waits here until the first commits, then reads
        # what is left after it.
        line = FundLine.objects.select_for_update().get(pk=fund_line.pk)
        check_fund_line(locked, line)
        cap = cap_for(community=community, year=line.year, category=locked.category)
        if cap is not None and amount > cap:
            fail(
                _(
                    "%(category)s projects may be approved for at most %(cap)s yuan in %(year)s; %(amount)s yuan is over the cap."
                )
                % {
                    "category": locked.get_category_display(),
                    "cap": format_yuan(cap),
                    "year": line.year,
                    "amount": format_yuan(amount),
                }
            )
        left = fund_line_left(line)
        if left < amount:
            fail(
                _("The fund line “%(line)s” has only %(left)s yuan left, less than the %(amount)s yuan to approve.")
                % {"line": line, "left": format_yuan(left), "amount": format_yuan(amount)}
            )
        _move(locked, MicroStatus.APPROVED, actor=actor, note=note)
        locked.resolution = clean_text(resolution)
        locked.resolution_date = resolution_date
        locked.approved_amount = amount
        locked.reserved_amount = amount
        locked.fund_line = line
        locked.budget_year = line.year
        locked.save()
    refresh(project, locked)
    return project


def reject(*, project, actor, reason, resolution, resolution_date, note=""):
    """评议 → 未立项, with a reason the proposer sees on the tracking page."""
    _check_resolution(resolution, resolution_date)
    if not clean_text(reason):
        fail(_("Give the reason, the proposer will read it."))
    with transaction.atomic():
        locked = lock_project(project)
        _check_move(locked, MicroStatus.REJECTED)
        check_resolution_date(locked, resolution_date)
        _move(locked, MicroStatus.REJECTED, actor=actor, note=note)
        locked.resolution = clean_text(resolution)
        locked.resolution_date = resolution_date
        locked.rejection_reason = clean_text(reason)
        locked.save()
    refresh(project, locked)
    return project


def start(*, project, actor, implementer, start_date, note=""):
    """立项 → 实施."""
    if not clean_text(implementer) or start_date is None:
        fail(_("Name the implementer and the start date."))
    with transaction.atomic():
        locked = lock_project(project)
        _check_move(locked, MicroStatus.IN_PROGRESS)
        check_date(
            start_date,
            earliest=locked.resolution_date,
            message=_(
                "The start date (%(date)s) must lie between the council's approval (%(earliest)s) and today (%(today)s)."
            ),
        )
        _move(locked, MicroStatus.IN_PROGRESS, actor=actor, note=note)
        locked.implementer = clean_text(implementer)
        locked.start_date = start_date
        locked.save()
    refresh(project, locked)
    return project


def record_milestone(*, project, actor, date, title, progress):
    """A step of 实施; the project's progress becomes the milestone's."""
    if not clean_text(title) or date is None:
        fail(_("Give the milestone a title and a date."))
    if progress is None or not 0 <= progress <= 100:
        fail(_("Progress is a percentage between 0 and 100."))
    with transaction.atomic():
        locked = lock_project(project)
        if locked.status != MicroStatus.IN_PROGRESS:
            fail(_("Milestones are recorded while a project is in progress."))
        check_date(
            date,
            earliest=locked.start_date,
            message=_(
                "A milestone's date (%(date)s) must lie between the start of implementation (%(earliest)s) and today (%(today)s)."
            ),
        )
        milestone = Milestone.objects.create(
            project=locked, date=date, title=clean_text(title), progress=progress, recorded_by=actor
        )
        locked.progress = progress
        locked.save(update_fields=["progress"])
    refresh(project, locked)
    return milestone


def accept(*, project, actor, accepted_date, result, note=""):
    """实施 → 验收."""
    if accepted_date is None or not clean_text(result):
        fail(_("Record the acceptance date and its result."))
    with transaction.atomic():
        locked = lock_project(project)
        _check_move(locked, MicroStatus.ACCEPTED)
        last_milestone = locked.milestones.order_by("-date").values_list("date", flat=True).first()
        check_date(
            accepted_date,
            earliest=max(filter(None, [locked.start_date, last_milestone])),
            message=_(
                "The acceptance date (%(date)s) must lie between the start of implementation or its last milestone (%(earliest)s) and today (%(today)s)."
            ),
        )
        _move(locked, MicroStatus.ACCEPTED, actor=actor, note=note)
        locked.accepted_date = accepted_date
        locked.acceptance_result = clean_text(result)
        locked.progress = 100
        locked.save()
    refresh(project, locked)
    return project


def spent_on(project):
    return project.expenditures.aggregate(t=coalesce_money(MoneySum("amount")))["t"]


def withdraw(*, project, actor, note):
    """撤销 from any open state; the fund line gets back all but what was already spent."""
    if not clean_text(note):
        fail(_("Say why the project is withdrawn."))
    with transaction.atomic():
        locked = lock_project(project)
        _move(locked, MicroStatus.WITHDRAWN, actor=actor, note=clean_text(note))
        if locked.fund_line_id:
            FundLine.objects.select_for_update().get(pk=locked.fund_line_id)
            locked.reserved_amount = spent_on(locked)
        locked.save()
    refresh(project, locked)
    return project


def distance_m(lat1, lng1, lat2, lng2):
    """Great-circle metres between two WGS-84 points."""
    lat1, lng1, lat2, lng2 = map(lambda v: math.radians(float(v)), (lat1, lng1, lat2, lng2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(a))


def similar_titles(a, b):
    a, b = clean_text(a), clean_text(b)
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= TITLE_SIMILARITY


def possible_duplicates(*, latitude, longitude, title):
    """Open projects within 100 m whose title is like this one (a bounding box in SQL, then exact metres)."""
    if latitude is None or longitude is None:
        return []
    lat, lng = float(latitude), float(longitude)
    dlat = DUPLICATE_RADIUS_M / 111_320
    dlng = DUPLICATE_RADIUS_M / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    nearby = MicroProject.objects.filter(
        status__in=OPEN_STATUSES,
        latitude__range=(Decimal(f"{lat - dlat:.6f}"), Decimal(f"{lat + dlat:.6f}")),
        longitude__range=(Decimal(f"{lng - dlng:.6f}"), Decimal(f"{lng + dlng:.6f}")),
    ).select_related("community")[:50]
    return [
        project
        for project in nearby
        if distance_m(lat, lng, project.latitude, project.longitude) <= DUPLICATE_RADIUS_M
        and similar_titles(title, project.title)
    ]


__all__ = [
    "ALLOWED",
    "ZERO",
    "accept",
    "approve",
    "cap_for",
    "check_date",
    "check_fund_line",
    "fund_line_left",
    "possible_duplicates",
    "propose",
    "record_milestone",
    "reject",
    "start",
    "start_review",
    "withdraw",
]
