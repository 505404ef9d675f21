"""The lifecycle of a resident's demand (诉求), every step recorded and illegal ones refused:

    待受理 ─accept→ 已受理 ─start→ 办理中 ─handle→ 已办结 ─visit(满意/基本满意)→ 已销号
       └─reject→ 不予受理 (a reason shown to the resident)
    已办结 ─visit(不满意)→ 办理中 again (重办, once); a second 不满意 → the parent unit (督办)
    open ─transfer→ another unit in the actor's scope (转派) · ─hand_up→ the parent unit
    待受理/已受理 ─merge→ 已合并 (its followers see the other demand's outcome)

Each step locks the demand's row (SELECT … FOR UPDATE) and checks the status under the lock, so
of two staff accepting the same demand at once exactly one wins; the other gets a message.
Intake, routing and deadlines are in demands_intake.py.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    OPEN_DEMAND_STATUSES,
    Demand,
    DemandAction,
    DemandHelper,
    DemandStatus,
    DemandTransition,
    Level,
    Report,
    Satisfaction,
)
from ..scope import EDIT, scope_for
from . import demands_intake as intake
from . import workdays
from .demands_intake import staff_url
from .notifications import notify, staff_of

S = DemandStatus
# Which statuses each action may start from; anything else is refused.
ALLOWED_FROM = {
    DemandAction.ACCEPT: {S.PENDING},
    DemandAction.REJECT: {S.PENDING},
    DemandAction.START: {S.ACCEPTED},
    DemandAction.HANDLE: {S.IN_PROGRESS},
    DemandAction.VISIT: {S.HANDLED},
    DemandAction.TRANSFER: set(OPEN_DEMAND_STATUSES),
    DemandAction.HAND_UP: set(OPEN_DEMAND_STATUSES),
    DemandAction.NOTE: {*OPEN_DEMAND_STATUSES, S.HANDLED},
    DemandAction.MERGE: {S.PENDING, S.ACCEPTED},
    DemandAction.ALSO: set(OPEN_DEMAND_STATUSES),
    DemandAction.SUPERVISE: set(OPEN_DEMAND_STATUSES),
}
HELPER_STATUSES = {S.IN_PROGRESS, S.HANDLED}


def _locked(demand, action):
    """The demand's row, locked for this transaction, if `action` may start from its status."""
    row = Demand.objects.select_for_update().select_related("category", "unit").get(pk=demand.pk)
    if row.status not in ALLOWED_FROM[action]:
        raise ValidationError(
            _("This demand is %(status)s: it cannot be %(action)s now.")
            % {"status": row.get_status_display(), "action": DemandAction(action).label}
        )
    return row


def _record(demand, action, *, from_status, actor=None, note="", public=True, from_unit=None, to_unit=None, at=None):
    return DemandTransition.objects.create(
        demand=demand,
        action=action,
        from_status=from_status,
        to_status=demand.status,
        actor=actor,
        note=note,
        public=public,
        from_unit=from_unit,
        to_unit=to_unit,
        at=at or timezone.now(),
    )


def _tell_unit(demand, unit, title, kind):
    notify(staff_of(unit), title=title, url=staff_url(demand), unit=unit, kind=kind)


def _check_actor(actor, unit):
    if actor is not None:
        scope_for(actor).check(unit, EDIT)


@transaction.atomic
def accept(*, demand, actor, now=None):
    row = _locked(demand, DemandAction.ACCEPT)
    _check_actor(actor, row.unit)
    now = now or timezone.now()
    before = row.status
    row.status, row.accepted_at = S.ACCEPTED, now
    row.handling_due = intake.handling_due(row.category, now)
    row.save(update_fields=["status", "accepted_at", "handling_due"])
    _record(row, DemandAction.ACCEPT, from_status=before, actor=actor, at=now)
    return row


@transaction.atomic
def reject(*, demand, actor, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the resident a reason for not accepting.")})
    row = _locked(demand, DemandAction.REJECT)
    _check_actor(actor, row.unit)
    before = row.status
    row.status, row.rejection_reason, row.closed_at = S.REJECTED, reason, timezone.now()
    row.save(update_fields=["status", "rejection_reason", "closed_at"])
    _record(row, DemandAction.REJECT, from_status=before, actor=actor, note=reason)
    return row


@transaction.atomic
def start(*, demand, actor, owner=None):
    """办理: the demand gets an owner (the actor unless another is named) and is in progress."""
    row = _locked(demand, DemandAction.START)
    _check_actor(actor, row.unit)
    owner = owner or actor
    if owner is not None and owner != actor:
        _check_actor(owner, row.unit)
    before = row.status
    row.status, row.owner = S.IN_PROGRESS, owner
    row.save(update_fields=["status", "owner"])
    _record(row, DemandAction.START, from_status=before, actor=actor, note=str(owner or ""))
    if owner is not None and owner != actor:
        notify(
            [owner],
            title=_("Demand %(code)s is yours to handle") % {"code": row.code},
            url=staff_url(row),
            unit=row.unit,
            kind="demand_assigned",
        )
    return row


@transaction.atomic
def add_note(*, demand, actor, note):
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the note.")})
    row = _locked(demand, DemandAction.NOTE)
    _check_actor(actor, row.unit)
    return _record(row, DemandAction.NOTE, from_status=row.status, actor=actor, note=note, public=False)


@transaction.atomic
def add_helper(*, demand, actor, hours, member=None, name="", helped_on=None):
    row = Demand.objects.select_for_update().get(pk=demand.pk)
    if row.status not in HELPER_STATUSES:
        raise ValidationError(_("Helpers are recorded while the demand is in progress or just handled."))
    _check_actor(actor, row.unit)
    if member is not None and not member.unit.path.startswith(row.community.path) and not _reported_to(member, row):
        raise ValidationError({"member": _("Choose a member of this community or reported to it.")})
    helper = DemandHelper(demand=row, member=member, name=(name or "").strip(), hours=hours, recorded_by=actor)
    if helped_on is not None:
        helper.helped_on = helped_on
    helper.full_clean(exclude=["demand", "recorded_by"])
    helper.save()
    return helper


def _reported_to(member, demand):
    return Report.objects.filter(member=member, building__path__startswith=demand.community.path).exists()


def _move(row, action, *, to_unit, actor, reason, kind):
    before_unit, before = row.unit, row.status
    row.unit = to_unit
    row.owner = None
    row.save(update_fields=["unit", "owner"])
    _record(row, action, from_status=before, actor=actor, note=reason, from_unit=before_unit, to_unit=to_unit)
    _tell_unit(row, to_unit, _("Demand %(code)s was sent to your unit") % {"code": row.code}, kind)
    return row


@transaction.atomic
def transfer(*, demand, actor, to_unit, reason):
    """转派 inside the actor's scope (another grid, community or street they manage)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the transfer.")})
    row = _locked(demand, DemandAction.TRANSFER)
    _check_actor(actor, row.unit)
    if to_unit is None or to_unit.pk == row.unit_id:
        raise ValidationError({"to_unit": _("Choose another unit.")})
    if not to_unit.path.startswith(row.unit.path[: row.unit.path.index("/", 1) + 1]) or to_unit.level == Level.BUILDING:
        raise ValidationError({"to_unit": _("Choose a street, community or grid of the same district.")})
    if actor is not None and not scope_for(actor).allows(to_unit, EDIT):
        raise ValidationError({"to_unit": _("You can transfer only to units you manage; hand it up instead.")})
    return _move(row, DemandAction.TRANSFER, to_unit=to_unit, actor=actor, reason=reason, kind="demand_transferred")


@transaction.atomic
def hand_up(*, demand, actor, reason):
    """上报: the parent unit takes over (a grid's demand goes to its community...)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for handing it up.")})
    row = _locked(demand, DemandAction.HAND_UP)
    _check_actor(actor, row.unit)
    if row.unit.parent_id is None:
        raise ValidationError(_("The district has no unit above it."))
    return _move(
        row, DemandAction.HAND_UP, to_unit=row.unit.parent, actor=actor, reason=reason, kind="demand_handed_up"
    )


@transaction.atomic
def handle(*, demand, actor, reply, photos=()):
    """办结: the reply to the resident, with up to three photos of the result."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the reply to the resident.")})
    processed = intake.processed_photos(photos)  # refuses bad images before anything is written
    row = _locked(demand, DemandAction.HANDLE)
    _check_actor(actor, row.unit)
    before, now = row.status, timezone.now()
    row.status, row.reply, row.handled_at = S.HANDLED, reply, now
    if row.first_handled_at is None:
        row.first_handled_at = now
        row.handled_in_time = row.handling_due is not None and workdays.local_date(now) <= row.handling_due
    row.save(update_fields=["status", "reply", "handled_at", "first_handled_at", "handled_in_time"])
    intake.store_photos(row, processed, stage="reply")
    _record(row, DemandAction.HANDLE, from_status=before, actor=actor, note=reply)
    return row


@transaction.atomic
def visit(*, demand, satisfaction, actor=None, note=""):
    """回访, by the resident (actor None, through the tracking code) or by staff after a call."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied the resident is.")})
    row = _locked(demand, DemandAction.VISIT)
    _check_actor(actor, row.unit)
    now, before = timezone.now(), row.status
    row.satisfaction = satisfaction
    note = (note or "").strip()
    label = Satisfaction(satisfaction).label
    _record(row, DemandAction.VISIT, from_status=before, actor=actor, note=f"{label} {note}".strip())
    # The visit's step shows HANDLED → the outcome below; it is written before the outcome.
    if satisfaction != Satisfaction.UNSATISFIED:
        row.status, row.closed_at = S.CLOSED, now
        row.save(update_fields=["status", "closed_at", "satisfaction"])
        _record(row, DemandAction.CLOSE, from_status=before, actor=actor)
        _tell_unit(
            row, row.unit, _("Demand %(code)s: %(result)s") % {"code": row.code, "result": label}, "demand_visit"
        )
        return row
    row.status, row.owner = S.IN_PROGRESS, None
    row.handling_due = intake.handling_due(row.category, now)
    if row.reopen_count == 0:
        # 重办: the first 不满意 sends it back to the same unit, once.
        row.reopen_count = 1
        row.save(update_fields=["status", "owner", "handling_due", "satisfaction", "reopen_count"])
        _record(row, DemandAction.REOPEN, from_status=before, actor=actor)
        _tell_unit(
            row,
            row.unit,
            _("Demand %(code)s was reopened: the resident is unsatisfied") % {"code": row.code},
            "demand_reopened",
        )
        return row
    # The second 不满意: the parent unit takes it over under supervision (督办).
    before_unit = row.unit
    parent = row.unit.parent or row.unit
    row.unit, row.supervised_at, row.supervising_unit = parent, now, parent
    row.reopen_count = F("reopen_count") + 1
    row.save(
        update_fields=[
            "status",
            "owner",
            "handling_due",
            "satisfaction",
            "unit",
            "supervised_at",
            "supervising_unit",
            "reopen_count",
        ]
    )
    row.refresh_from_db(fields=["reopen_count"])
    _record(row, DemandAction.ESCALATE, from_status=before, actor=actor, from_unit=before_unit, to_unit=parent)
    _tell_unit(
        row,
        parent,
        _("Demand %(code)s was escalated to your unit after a second unsatisfied visit") % {"code": row.code},
        "demand_escalated",
    )
    return row


@transaction.atomic
def merge(*, demand, into, actor):
    """Merge a duplicate into another open demand: its followers see that one's outcome."""
    if into is None or into.pk == demand.pk:
        raise ValidationError({"into": _("Choose another demand.")})
    row = _locked(demand, DemandAction.MERGE)
    _check_actor(actor, row.unit)
    target = Demand.objects.select_for_update().get(pk=into.pk)
    if target.status == S.MERGED or target.status == S.REJECTED:
        raise ValidationError({"into": _("That demand cannot take others: it was merged or not accepted.")})
    if actor is not None and not scope_for(actor).allows(target.unit):
        raise ValidationError({"into": _("Choose a demand in your part of the tree.")})
    before = row.status
    row.status, row.merged_into, row.closed_at = S.MERGED, target, timezone.now()
    row.save(update_fields=["status", "merged_into", "closed_at"])
    Demand.objects.filter(merged_into=row).update(merged_into=target)
    Demand.objects.filter(pk=target.pk).update(also_count=F("also_count") + 1 + row.also_count)
    _record(row, DemandAction.MERGE, from_status=before, actor=actor, note=target.code, to_unit=target.unit)
    return row


@transaction.atomic
def also(*, demand):
    """我也遇到: another resident has the same open problem (instead of a duplicate)."""
    row = _locked(demand, DemandAction.ALSO)
    Demand.objects.filter(pk=row.pk).update(also_count=F("also_count") + 1)
    row.refresh_from_db(fields=["also_count"])
    _record(row, DemandAction.ALSO, from_status=row.status, public=False)
    return row


@transaction.atomic
def set_withheld(*, demand, actor, withheld):
    row = Demand.objects.select_for_update().get(pk=demand.pk)
    _check_actor(actor, row.unit)
    row.withheld = bool(withheld)
    row.save(update_fields=["withheld"])
    return row
