"""组织关系转接: issue a letter out, accept or return it, expire letters past their validity, and
receive a member from outside the district (grids.models.transfers)."""

import calendar
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import LeftReason, Level, Member, MemberMove, Unit
from ..models.transfers import DEFAULT_VALIDITY_MONTHS, Direction, Transfer, TransferEvent, TransferRule, TransferState
from .jobs import scheduled
from .members import leave, move_member
from .tree import attach_full_names

MEMBER_LEVELS = (Level.GRID, Level.BUILDING)


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_unit(district, ref):
    """The grid branch or building group of the district whose path ends with `ref`
    ("梅岗社区/第1网格", "第1网格/11栋" ...), or None when none or several do."""
    parts = [part.strip() for part in ref.replace("／", "/").split("/") if part.strip()]
    if not parts:
        return None
    candidates = list(Unit.objects.under(district).filter(level__in=MEMBER_LEVELS, name=parts[-1]).order_by("pk")[:200])
    attach_full_names(candidates)
    tail = "/".join(parts)
    found = []
    for unit in candidates:
        path = "/".join(unit.full_name_text.split(" / "))
        if path == tail or path.endswith("/" + tail):
            found.append(unit)
    return found[0] if len(found) == 1 else None


def validity_months(unit):
    district_id = int(unit.path.strip("/").split("/")[0])
    rule = TransferRule.objects.filter(district_id=district_id).first()
    return rule.validity_months if rule else DEFAULT_VALIDITY_MONTHS


@transaction.atomic
def issue_out(*, member, letter_number, issued_on, by, to_unit=None, outside_org="", dues_paid_until=None):
    """开具: a letter out for a current member, to a unit of the district or an organisation outside."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.left_reason:
        raise ValidationError(_("This member has left; no letter can be issued."))
    if Transfer.objects.filter(member=member, state=TransferState.ISSUED).exists():
        raise ValidationError(_("This member already has a transfer in progress."))
    if bool(to_unit) == bool(outside_org.strip()):
        raise ValidationError(
            {"to_unit": _("Choose a unit of the district or name the organisation outside, not both.")}
        )
    if to_unit is not None:
        if to_unit.level not in MEMBER_LEVELS:
            raise ValidationError({"to_unit": _("Choose a grid branch or a building group.")})
        if to_unit.pk == member.unit_id:
            raise ValidationError({"to_unit": _("The member is already there.")})
    transfer = Transfer.objects.create(
        member=member,
        direction=Direction.OUT_INSIDE if to_unit else Direction.OUT_OUTSIDE,
        unit=member.unit,
        to_unit=to_unit,
        outside_org=outside_org.strip(),
        letter_number=letter_number.strip(),
        dues_paid_until=dues_paid_until,
        issued_on=issued_on,
        valid_until=add_months(issued_on, validity_months(member.unit)),
        issued_by=by,
    )
    TransferEvent.log(transfer=transfer, action=TransferState.ISSUED, by=by, detail=transfer.destination)
    return transfer


def _locked_in_flight(transfer):
    """The transfer, row-locked, and still issued."""
    transfer = Transfer.objects.select_for_update().select_related("member").get(pk=transfer.pk)
    if transfer.state != TransferState.ISSUED:
        raise ValidationError(_("This letter is already %(state)s.") % {"state": transfer.get_state_display()})
    return transfer


@transaction.atomic
def accept(*, transfer, by, today=None):
    """已接收. Inside the district the member moves to the receiving unit, once: the row lock makes
    a second acceptance wait and then find the letter accepted. Outside, the receipt came back:
    the member leaves the district's books (转出)."""
    today = today or timezone.localdate()
    transfer = _locked_in_flight(transfer)
    if today > transfer.valid_until:
        raise ValidationError(_("This letter expired on %(date)s.") % {"date": transfer.valid_until})
    if transfer.direction == Direction.OUT_INSIDE:
        move_member(
            member=transfer.member,
            to_unit=transfer.to_unit,
            by=by,
            moved_on=today,
            note=_("Transfer letter %(number)s") % {"number": transfer.letter_number},
        )
    else:
        # Through the leave service, like any departure: checked, audited, all or nothing.
        leave(members=[transfer.member], reason=LeftReason.TRANSFERRED_OUT, left_on=today, by=by, today=today)
    transfer.state, transfer.decided_on, transfer.decided_by = TransferState.ACCEPTED, today, by
    transfer.save(update_fields=["state", "decided_on", "decided_by"])
    TransferEvent.log(transfer=transfer, action=TransferState.ACCEPTED, by=by)
    return transfer


@transaction.atomic
def return_letter(*, transfer, reason, by, today=None):
    """退回, with the reason: the member stays where they are."""
    today = today or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the letter is returned.")})
    transfer = _locked_in_flight(transfer)
    transfer.state, transfer.reason = TransferState.RETURNED, reason.strip()
    transfer.decided_on, transfer.decided_by = today, by
    transfer.save(update_fields=["state", "reason", "decided_on", "decided_by"])
    TransferEvent.log(transfer=transfer, action=TransferState.RETURNED, by=by, detail=transfer.reason)
    return transfer


@scheduled("expire_transfers", every=timedelta(hours=6))
def expire(today=None):
    """过期: letters still issued after their last valid day. Returns how many."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # Locked while they expire: a letter accepted at this moment is either accepted or expired, and its
        # event says which. One event per letter, written in bulk (the update sends no save signal).
        ids = list(
            Transfer.objects.select_for_update()
            .filter(state=TransferState.ISSUED, valid_until__lt=today)
            .values_list("pk", flat=True)
        )
        Transfer.objects.filter(pk__in=ids).update(state=TransferState.EXPIRED, decided_on=today)
        TransferEvent.objects.bulk_create(
            TransferEvent.build(transfer_id=pk, action=TransferState.EXPIRED) for pk in ids
        )
    return len(ids)


def expiring(transfers, today=None, days=14):
    """Letters in flight whose validity ends within `days`: the sending branch follows them up."""
    today = today or timezone.localdate()
    return transfers.filter(state=TransferState.ISSUED, valid_until__lte=today + timedelta(days=days))


@transaction.atomic
def receive_from_outside(*, member_form, outside_org, letter_number, issued_on, dues_paid_until, by, today=None):
    """转入: a member whose letter comes from outside the district, registered through the member
    form (its rules, including the refusal of an ID registered elsewhere), with the letter kept."""
    today = today or timezone.localdate()
    member = member_form.save()
    MemberMove.objects.create(
        member=member,
        from_outside_org=outside_org,
        to_unit=member.unit,
        moved_on=today,
        moved_by=by,
        note=_("Transfer letter %(number)s") % {"number": letter_number},
    )
    transfer = Transfer.objects.create(
        member=member,
        direction=Direction.IN_OUTSIDE,
        unit=member.unit,
        outside_org=outside_org.strip(),
        letter_number=letter_number.strip(),
        dues_paid_until=dues_paid_until,
        issued_on=issued_on,
        valid_until=max(issued_on, add_months(issued_on, validity_months(member.unit))),
        state=TransferState.ACCEPTED,
        decided_on=today,
        issued_by=by,
        decided_by=by,
    )
    TransferEvent.log(transfer=transfer, action=TransferState.ACCEPTED, by=by, detail=transfer.outside_org)
    return transfer
