"""Volunteer pages: the public certificate check; staff volunteer list, detail, registration and
editing, certificates and the hours export (scoped through grids.scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Member
from grids.scope import EDIT, VIEW, scope_for
from grids.services.exports_job import job_rows, start_export
from grids.services.tree import attach_full_names
from portal.core import params
from portal.core.exports import xlsx_response
from portal.core.queries import more_than
from portal.core.ratelimit import ratelimit

from ..forms.volunteers import PeriodForm, VerifyForm, VolunteerForm
from ..models.service import VolunteerTeam
from ..models.volunteers import Certificate, Volunteer
from ..services import volunteers as services
from ..services.volunteers_export_job import NAME as HOURS_EXPORT
from ..services.volunteers_export_job import hours_filename
from .common import PAGE_SIZE, first_error, need_edit_somewhere


@require_safe
@ratelimit("lookup", when=lambda request: "code" in request.GET)  # a certificate looked up
def verify(request):
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_valid():
        checked = True
        certificate = services.verify_certificate(form.cleaned_data["code"])
    context = {"form": form, "certificate": certificate, "checked": checked}
    return render(
        request, "projects/volunteers/verify.html", context, status=404 if checked and not certificate else 200
    )


@require_safe
@login_required
def staff_volunteers(request):
    scope = scope_for(request.user)
    volunteers = Volunteer.objects.visible_to(request.user).select_related("unit").with_hours()
    volunteers = volunteers.prefetch_related("teams")
    query = params.text(request.GET, "q", label=_("search"))
    if query:
        # Digits search the last digits of the mobile (what a masked number shows), never more.
        by_mobile = Q(mobile_masked__endswith=query) if params.is_digits(query) and len(query) <= 4 else Q(pk__in=[])
        volunteers = volunteers.filter(Q(name__icontains=query) | by_mobile)
    page = Paginator(volunteers.order_by("unit__path", "name", "pk"), PAGE_SIZE).get_page(params.page(request.GET))
    return render(
        request,
        "projects/volunteers/staff/volunteers.html",
        {"page": page, "query": query, "can_edit": scope.can(EDIT)},
    )


def _volunteer_form(request, scope, volunteer=None):
    units = scope.units(EDIT)
    if volunteer is not None:
        units = units | type(volunteer.unit).objects.filter(pk=volunteer.unit_id)
    teams = scope.filter(VolunteerTeam.objects.all(), EDIT)
    if volunteer is not None:
        # Teams outside the user's scope the volunteer already belongs to stay (and stay ticked).
        teams = teams | volunteer.teams.all()
    # Only Party members the user may edit; a member linked before and since moved out of the
    # scope stays a choice, so saving the volunteer keeps the link (removing it is allowed).
    members = scope.filter(Member.objects.current(), EDIT)
    if volunteer is not None and volunteer.member_id:
        members = members | Member.objects.filter(pk=volunteer.member_id)
    return VolunteerForm(request.POST or None, instance=volunteer, units=units, teams=teams.distinct(), members=members)


@login_required
def staff_volunteer_new(request):
    scope = scope_for(request.user)
    need_edit_somewhere(scope)
    form = _volunteer_form(request, scope)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        volunteer = form.save()
        messages.success(request, _("Registered %(name)s.") % {"name": volunteer.name})
        return redirect("volunteer_staff_volunteer", volunteer_pk=volunteer.pk)
    return render(request, "projects/service/staff/form.html", {"form": form, "title": _("Register a volunteer")})


@require_safe
@login_required
def staff_volunteer(request, volunteer_pk):
    scope = scope_for(request.user)
    volunteer = scope.get_object_or_404(
        Volunteer.objects.select_related("unit", "member__unit").with_hours(), pk=volunteer_pk
    )
    records = volunteer.service_records.select_related("activity__project").order_by("-activity__starts_at")[:100]
    member = volunteer.member
    if member is not None:
        # Only "党员" and the member's unit: never the ID-card number or mobile (not even masked).
        attach_full_names([member.unit])
    context = {
        "volunteer": volunteer,
        "member": member,
        "member_in_scope": member is not None and scope.allows(member.unit, VIEW),
        "teams": volunteer.teams.all(),
        "records": records,
        "certificates": volunteer.certificates.all()[:20],
        "can_edit": scope.allows(volunteer.unit, EDIT),
        "period": PeriodForm(initial=PeriodForm.this_year()),
    }
    return render(request, "projects/volunteers/staff/volunteer_detail.html", context)


@login_required
def staff_volunteer_edit(request, volunteer_pk):
    scope = scope_for(request.user)
    volunteer = scope.get_object_or_404(Volunteer.objects.select_related("unit"), need=EDIT, pk=volunteer_pk)
    form = _volunteer_form(request, scope, volunteer)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": volunteer.name})
        return redirect("volunteer_staff_volunteer", volunteer_pk=volunteer.pk)
    context = {"form": form, "title": _("Edit %(name)s") % {"name": volunteer.name}}
    return render(request, "projects/service/staff/form.html", context)


@login_required
def staff_certificate_new(request, volunteer_pk):
    scope = scope_for(request.user)
    volunteer = scope.get_object_or_404(Volunteer.objects.select_related("unit"), need=EDIT, pk=volunteer_pk)
    form = PeriodForm(request.POST or None, initial=PeriodForm.this_year())
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.issue_certificate(
                volunteer=volunteer, start=form.cleaned_data["start"], end=form.cleaned_data["end"], user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, first_error(exc))
        else:
            return redirect("volunteer_staff_certificate", certificate_pk=certificate.pk)
    context = {"form": form, "title": _("Certificate for %(name)s") % {"name": volunteer.name}}
    return render(request, "projects/service/staff/form.html", context)


@require_safe
@login_required
def staff_certificate(request, certificate_pk):
    scope = scope_for(request.user)
    certificate = scope.get_object_or_404(
        Certificate.objects.select_related("volunteer", "unit", "issued_by"), pk=certificate_pk
    )
    verify_url = request.build_absolute_uri(reverse("volunteer_verify"))
    context = {
        "certificate": certificate,
        "code": services.format_code(certificate.code),
        "verify_url": verify_url,
    }
    return render(request, "projects/volunteers/staff/certificate.html", context)


@require_safe
@login_required
def staff_hours_export(request):
    """Hours per volunteer for a period: a form, and with a valid period the .xlsx itself."""
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("Your role here does not allow this."))
    form = PeriodForm(request.GET or None, initial=PeriodForm.this_year())
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        volunteers = Volunteer.objects.visible_to(request.user)
        if more_than(volunteers, job_rows()):
            # The whole scope's volunteers: only the starter downloads the file.
            job = start_export(
                HOURS_EXPORT,
                user=request.user,
                unit=scope.roots(VIEW)[0],
                title=_("Service hours from %(start)s to %(end)s") % {"start": start, "end": end},
                query=request.GET.urlencode(),
                only_starter=True,
            )
            return redirect("job_detail", job.pk)
        data = services.hours_workbook(volunteers=volunteers, start=start, end=end)
        return xlsx_response(hours_filename(start, end), data)
    return render(request, "projects/volunteers/staff/export.html", {"form": form})
