"""Staff pages of organisational life (/staff/meetings/): the meetings of a part of the tree,
planning one, its page (validity, attendance, minutes, files), taking attendance on a phone,
attaching files, the compliance calendar and overdue list, and a member's attendance.

Every query goes through grids.scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.forms import add_service_errors

from ..forms.meetings import AttachmentForm, AttendanceForm, MeetingForm, MeetingRecordForm
from ..models import Level, Member
from ..models.meetings import MEETING_LEVELS, Meeting, MeetingKind
from ..scope import EDIT, VIEW, scope_for
from ..services import meetings as services
from ..services import meetings_compliance as compliance
from ..services.meetings_sections import sections
from ..services.tree import attach_full_names
from .members import PAGE_SIZE, default_root

SHOWN = 100


def _unit(request, scope):
    ref = params.pk(request.GET, "unit", label=_("unit"))
    unit = (scope.units(VIEW).filter(pk=ref).first() if ref else None) or default_root(scope)
    if unit is None:
        raise PermissionDenied(_("You are not assigned to any unit."))
    return unit


def _year(request):
    return params.year(request.GET, default=timezone.localdate().year)


@require_safe
@login_required
def meeting_list(request):
    scope = scope_for(request.user)
    unit = _unit(request, scope)
    year = _year(request)
    kind = params.choice(request.GET, "kind", MeetingKind.values, label=_("kind"))
    meetings = Meeting.objects.under(unit).visible_to(request.user).filter(starts_at__year=year)
    if kind:
        meetings = meetings.filter(kind=kind)
    page = Paginator(meetings.select_related("unit"), PAGE_SIZE).get_page(params.page(request.GET))
    attach_full_names([unit, *(m.unit for m in page.object_list)])
    context = {
        "unit": unit,
        "year": year,
        "kind": kind,
        "kinds": MeetingKind.choices,
        "page": page,
        "can_edit": scope.can(EDIT),
    }
    return render(request, "grids/meetings/list.html", context)


@login_required
def meeting_create(request):
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    choices = scope.units(EDIT).filter(level__in=MEETING_LEVELS).order_by("path")
    form = MeetingForm(request.POST or None, unit_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope.check(data["unit"], EDIT)
        try:
            meeting = services.create_meeting(by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Planned the meeting %(topic)s.") % {"topic": meeting.topic})
            return redirect("meeting_detail", meeting_pk=meeting.pk)
    return render(request, "grids/meetings/form.html", {"form": form, "title": _("Plan a meeting")})


@require_safe
@login_required
def meeting_detail(request, meeting_pk):
    scope = scope_for(request.user)
    meeting = scope.get_object_or_404(Meeting.objects.select_related("unit", "created_by"), pk=meeting_pk)
    attach_full_names([meeting.unit])
    context = {
        "meeting": meeting,
        "attendance": meeting.attendance.select_related("member"),
        "attachments": meeting.attachments.all(),
        "events": meeting.events.all(),
        "can_edit": scope.allows(meeting.unit, EDIT),
        "half": meeting.entitled / 2,
        "sections": sections(request, meeting),
    }
    return render(request, "grids/meetings/detail.html", context)


@login_required
def meeting_edit(request, meeting_pk):
    scope = scope_for(request.user)
    meeting = scope.get_object_or_404(Meeting.objects.select_related("unit"), need=EDIT, pk=meeting_pk)
    form = MeetingRecordForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.save_record(form=form, by=request.user)
        messages.success(request, _("Saved the record of the meeting."))
        return redirect("meeting_detail", meeting_pk=meeting.pk)
    context = {"form": form, "title": _("Record of %(topic)s") % {"topic": meeting.topic}, "meeting": meeting}
    return render(request, "grids/meetings/form.html", context)


@login_required
def meeting_attendance(request, meeting_pk):
    scope = scope_for(request.user)
    meeting = scope.get_object_or_404(Meeting.objects.select_related("unit"), need=EDIT, pk=meeting_pk)
    if services.too_many_to_list(meeting):
        context = {"meeting": meeting, "too_many": services.too_many_message()}
        return render(
            request, "grids/meetings/attendance.html", context, status=400 if request.method == "POST" else 200
        )
    members = services.expected_members(meeting)
    current = {a.member_id: (a.presence, a.reason) for a in meeting.attendance.all()}
    form = AttendanceForm(request.POST or None, members=members, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(meeting=meeting, entries=form.entries(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            meeting.refresh_from_db()
            if meeting.valid:
                messages.success(request, _("Attendance recorded."))
            else:
                messages.warning(request, _("Attendance recorded. The meeting is below quorum and not valid."))
            return redirect("meeting_detail", meeting_pk=meeting.pk)
    return render(request, "grids/meetings/attendance.html", {"form": form, "meeting": meeting})


@login_required
def meeting_attach(request, meeting_pk):
    scope = scope_for(request.user)
    meeting = scope.get_object_or_404(Meeting.objects.select_related("unit"), need=EDIT, pk=meeting_pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach(
                meeting=meeting, upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "file")
        else:
            messages.success(request, _("File attached."))
            return redirect("meeting_detail", meeting_pk=meeting.pk)
    title = _("Attach a photo or PDF to %(topic)s") % {"topic": meeting.topic}
    return render(
        request, "grids/meetings/form.html", {"form": form, "title": title, "meeting": meeting, "upload": True}
    )


@require_safe
@login_required
def meeting_compliance(request):
    """三会一课 compliance of a part of the tree for a year: rates per kind, then each organisation
    behind (an overdue period, or this period not held yet), or one organisation's calendar."""
    scope = scope_for(request.user)
    unit = _unit(request, scope)
    year = _year(request)
    attach_full_names([unit])
    per_kind, behind_count, behind = compliance.summary(unit, year, SHOWN)
    rates = [(label, *per_kind.get(kind, (0, 0))) for kind, label in MeetingKind.choices]
    attach_full_names([duty.unit for duty in behind])
    calendar = unit.level in MEETING_LEVELS and unit.level >= Level.GRID
    absent = _absent_members(unit, request.user)
    context = {
        "unit": unit,
        "year": year,
        "rates": [(label, held, owed, round(100 * held / owed) if owed else None) for label, held, owed in rates],
        # A district holds thousands of organisations and a million members: the lists show the
        # first SHOWN (tree order) and say how many there are; the children narrow them.
        "behind": behind,
        "behind_count": behind_count,
        # One organisation's periods (a grid's, with its building groups): a few dozen duties.
        "calendar": services.duties(services.organisations(unit), year) if calendar else None,
        "children": unit.children.order_by("name") if unit.level < Level.BUILDING else [],
        "absent": absent[:SHOWN],
        "absent_more": len(absent) > SHOWN,
        "shown": SHOWN,
        "absent_months": services.ABSENT_MONTHS,
    }
    return render(request, "grids/meetings/compliance.html", context)


def _absent_members(unit, user):
    """The first SHOWN + 1 absent members (one more tells whether the list goes on)."""
    members = Member.objects.under(unit).visible_to(user).filter(left_reason="")
    return list(services.absent(members).select_related("unit").order_by("unit__path", "name", "pk")[: SHOWN + 1])


@require_safe
@login_required
def member_meetings(request, member_pk):
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), pk=member_pk)
    year = _year(request)
    rows, counts = services.member_year(member, year)
    context = {
        "member": member,
        "year": year,
        "rows": rows,
        "counts": counts,
        "flagged": services.absent_flags([member]).get(member.pk, False),
        "absent_months": services.ABSENT_MONTHS,
    }
    return render(request, "grids/meetings/member.html", context)
