"""Volunteering pages: public (/volunteer/) and staff (/staff/volunteer/, scoped through grids.scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from centers.models import Center
from grids.models import Member
from grids.scope import EDIT, VIEW, scope_for
from grids.services.tree import attach_full_names

from ..forms.volunteer import (
    ActivityForm,
    AttendanceForm,
    PeriodForm,
    ProjectFilterForm,
    ProjectForm,
    RatingForm,
    SignupForm,
    TeamForm,
    VerifyForm,
    VolunteerForm,
    WalkInForm,
)
from ..models.volunteer import (
    Activity,
    Certificate,
    ProjectCategory,
    ProjectStatus,
    ServiceProject,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from ..services import volunteer as services

PAGE_SIZE = 30
WALK_IN_CHOICES = 100  # volunteers listed at once on the attendance page (search for others)


def _first_error(exc):
    return exc.messages[0] if exc.messages else _("Please check your input.")


# === Public pages ==========================================================================


@require_safe
def index(request):
    form = ProjectFilterForm(request.GET)
    projects = form.filter(ServiceProject.objects.public().select_related("unit", "center"))
    page = Paginator(projects.order_by("-star_rating", "title", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    upcoming = (
        Activity.objects.upcoming()
        .open_for_signup()
        .filter(project__status=ProjectStatus.ACTIVE)
        .select_related("project__unit", "center")
        .with_signup_counts()
        .order_by("starts_at", "pk")[:12]
    )
    return render(request, "projects/volunteer/index.html", {"form": form, "page": page, "upcoming": upcoming})


def _public_project(pk):
    return get_object_or_404(ServiceProject.objects.public().select_related("unit", "center"), pk=pk)


@require_safe
def project_detail(request, project_pk):
    project = _public_project(project_pk)
    now = timezone.now()
    activities = (
        project.activities.upcoming(now).select_related("center").with_signup_counts().order_by("starts_at", "pk")
    )
    past = project.activities.past(now).order_by("-starts_at", "pk")[:10]
    context = {
        "project": project,
        "activities": activities,
        "past": past,
        "total_hours": ServiceRecord.objects.filter(activity__project=project).total_hours(),
        "can_sign_up": project.status == ProjectStatus.ACTIVE,
    }
    return render(request, "projects/volunteer/project_detail.html", context)


def activity_detail(request, activity_pk):
    """The activity and its sign-up form (name and mobile, no account)."""
    activity = get_object_or_404(
        Activity.objects.filter(project__in=ServiceProject.objects.public())
        .select_related("project__unit", "center")
        .with_signup_counts(),
        pk=activity_pk,
    )
    open_now = activity.signup_open() and activity.project.status == ProjectStatus.ACTIVE
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if not open_now:
            form.add_error(None, _("Sign-up for this activity has closed."))
        elif form.is_valid():
            try:
                signup, token = services.sign_up(
                    activity_id=activity.pk, name=form.cleaned_data["name"], mobile=form.cleaned_data["mobile"]
                )
            except ValidationError as exc:
                form.add_error(None, _first_error(exc))
            else:
                cancel_url = request.build_absolute_uri(reverse("volunteer_cancel", args=[token]))
                context = {"activity": activity, "signup": signup, "cancel_url": cancel_url}
                response = render(request, "projects/volunteer/signup_done.html", context)
                # The page holds the only copy of the cancellation link: keep it out of caches.
                response["Cache-Control"] = "no-store"
                return response
    status = 400 if request.method == "POST" else 200
    context = {"activity": activity, "form": form, "open_now": open_now}
    return render(request, "projects/volunteer/activity_detail.html", context, status=status)


def cancel(request, token):
    signup = services.signup_for_token(token)
    if signup is None:
        raise Http404(_("This cancellation link is not valid."))
    error = None
    if request.method == "POST" and signup.cancelled_at is None:
        try:
            services.cancel_signup(token=token)
        except ValidationError as exc:
            error = _first_error(exc)
        else:
            signup.refresh_from_db(fields=["cancelled_at"])
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    response = render(
        request, "projects/volunteer/cancel.html", {"signup": signup, "error": error}, status=400 if error else 200
    )
    response["Cache-Control"] = "no-store"
    # The token is in this page's URL: never send it to another site. (Not "no-referrer":
    # the browser would then post with "Origin: null" and fail Django's CSRF origin check.)
    response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def team_ranking(request):
    # Team names and totals only: no members, no units' people.
    teams = VolunteerTeam.objects.ranked().values("name", "total_hours")[:50]
    return render(request, "projects/volunteer/teams.html", {"teams": teams})


@require_safe
def verify(request):
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_valid():
        checked = True
        certificate = services.verify_certificate(form.cleaned_data["code"])
    context = {"form": form, "certificate": certificate, "checked": checked}
    return render(
        request, "projects/volunteer/verify.html", context, status=404 if checked and not certificate else 200
    )


# === Staff pages ===========================================================================


def _need_edit_somewhere(scope):
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))


def _staff_projects(scope, need=VIEW):
    return scope.filter(ServiceProject.objects.all(), "unit", need)


def _centers(scope, current=None):
    """Centers a form may offer: those the user may edit (a center's unit is its `owner`), plus
    the one already linked, so a record linked by a wider scope can still be saved as it is."""
    centers = scope.filter(Center.objects.all(), "owner", EDIT)
    if current is not None:
        centers = centers | Center.objects.filter(pk=current)
    return centers


@require_safe
@login_required
def staff_projects(request):
    scope = scope_for(request.user)
    projects = _staff_projects(scope)
    query = request.GET.get("q", "").strip()
    if query:
        projects = projects.filter(title__icontains=query)
    category = request.GET.get("category", "")
    if category in ProjectCategory.values:
        projects = projects.filter(category=category)
    order = ("unit__path", "title", "pk")
    page = Paginator(projects.order_by(*order).only("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    # Totals for this page's rows only: PostgreSQL would otherwise run the hours subquery for
    # every project in scope before sorting (0.3 s at 2,000 projects).
    ids = [project.pk for project in page.object_list]
    page.object_list = list(
        ServiceProject.objects.filter(pk__in=ids)
        .select_related("unit")
        .with_hours()
        .with_activity_counts()
        .order_by(*order)
    )
    context = {
        "page": page,
        "query": query,
        "category": category,
        "categories": ProjectCategory.choices,
        "can_edit": scope.can(EDIT),
    }
    return render(request, "projects/volunteer/staff/projects.html", context)


@login_required
def staff_project_new(request):
    scope = scope_for(request.user)
    _need_edit_somewhere(scope)
    form = ProjectForm(request.POST or None, request.FILES or None, units=scope.units(EDIT), centers=_centers(scope))
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        project = _save_project(form, old_cover="")
        messages.success(request, _("Created %(name)s.") % {"name": project.title})
        return redirect("volunteer_staff_project", project_pk=project.pk)
    return render(request, "projects/volunteer/staff/form.html", {"form": form, "title": _("New service project")})


def _save_project(form, *, old_cover):
    """Save the form; a new cover is stored as verified display copy and thumbnail, never raw."""
    upload = form.cleaned_data.get("cover")
    project = form.save(commit=False)
    if isinstance(upload, UploadedFile):
        project.cover = old_cover
    elif upload is False:  # "clear" ticked
        project.cover = project.cover_thumb = ""
    project.save()
    if isinstance(upload, UploadedFile):
        services.store_cover(project=project, upload=upload)
    return project


@require_safe
@login_required
def staff_project(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.select_related("unit", "center"), "unit", pk=project_pk)
    activities = project.activities.with_signup_counts().order_by("-starts_at", "pk")
    context = {
        "project": project,
        "activities": activities,
        "ratings": project.ratings.select_related("rated_by"),
        "total_hours": ServiceRecord.objects.filter(activity__project=project).total_hours(),
        "can_edit": scope.allows(project.unit, EDIT),
    }
    return render(request, "projects/volunteer/staff/project_detail.html", context)


@login_required
def staff_project_edit(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.all(), "unit", need=EDIT, pk=project_pk)
    old_cover = project.cover.name
    units = scope.units(EDIT) | type(project.unit).objects.filter(pk=project.unit_id)
    centers = _centers(scope, project.center_id)
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project, units=units, centers=centers)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        project = _save_project(form, old_cover=old_cover)
        messages.success(request, _("Saved %(name)s.") % {"name": project.title})
        return redirect("volunteer_staff_project", project_pk=project.pk)
    context = {"form": form, "title": _("Edit %(name)s") % {"name": project.title}}
    return render(request, "projects/volunteer/staff/form.html", context)


@login_required
def staff_project_rate(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.all(), "unit", need=EDIT, pk=project_pk)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.rate_project(project=project, user=request.user, **form.cleaned_data)
        messages.success(request, _("Rated %(name)s.") % {"name": project.title})
        return redirect("volunteer_staff_project", project_pk=project.pk)
    context = {"form": form, "title": _("Star rating of %(name)s") % {"name": project.title}}
    return render(request, "projects/volunteer/staff/form.html", context)


@require_safe
@login_required
def staff_teams(request):
    scope = scope_for(request.user)
    teams = scope.filter(VolunteerTeam.objects.all(), "unit").select_related("unit", "leader").with_hours()
    teams = teams.with_member_counts()
    page = Paginator(teams.order_by("unit__path", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/volunteer/staff/teams.html", {"page": page, "can_edit": scope.can(EDIT)})


def _team_form(request, scope, team=None):
    units = scope.units(EDIT)
    if team is not None:
        units = units | type(team.unit).objects.filter(pk=team.unit_id)
    volunteers = scope.filter(Volunteer.objects.all(), "unit", EDIT)
    return TeamForm(request.POST or None, instance=team, units=units, volunteers=volunteers)


@login_required
def staff_team_new(request):
    scope = scope_for(request.user)
    _need_edit_somewhere(scope)
    form = _team_form(request, scope)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        team = form.save()
        messages.success(request, _("Created %(name)s.") % {"name": team.name})
        return redirect("volunteer_staff_teams")
    return render(request, "projects/volunteer/staff/form.html", {"form": form, "title": _("New volunteer team")})


@login_required
def staff_team_edit(request, team_pk):
    scope = scope_for(request.user)
    team = scope.get_object_or_404(VolunteerTeam.objects.select_related("unit"), "unit", need=EDIT, pk=team_pk)
    form = _team_form(request, scope, team)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": team.name})
        return redirect("volunteer_staff_teams")
    context = {"form": form, "title": _("Edit %(name)s") % {"name": team.name}}
    return render(request, "projects/volunteer/staff/form.html", context)


@require_safe
@login_required
def staff_volunteers(request):
    scope = scope_for(request.user)
    volunteers = scope.filter(Volunteer.objects.all(), "unit").select_related("unit").with_hours()
    volunteers = volunteers.prefetch_related("teams")
    query = request.GET.get("q", "").strip()
    if query:
        # Digits search the last digits of the mobile (what a masked number shows), never more.
        by_mobile = Q(mobile__endswith=query) if query.isdigit() and len(query) <= 4 else Q(pk__in=[])
        volunteers = volunteers.filter(Q(name__icontains=query) | by_mobile)
    page = Paginator(volunteers.order_by("unit__path", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "projects/volunteer/staff/volunteers.html", {"page": page, "query": query, "can_edit": scope.can(EDIT)}
    )


def _volunteer_form(request, scope, volunteer=None):
    units = scope.units(EDIT)
    if volunteer is not None:
        units = units | type(volunteer.unit).objects.filter(pk=volunteer.unit_id)
    teams = scope.filter(VolunteerTeam.objects.all(), "unit", EDIT)
    if volunteer is not None:
        # Teams outside the user's scope the volunteer already belongs to stay (and stay ticked).
        teams = teams | volunteer.teams.all()
    # Only Party members the user may edit; a member linked before and since moved out of the
    # scope stays a choice, so saving the volunteer keeps the link (removing it is allowed).
    members = scope.filter(Member.objects.all(), "unit", EDIT)
    if volunteer is not None and volunteer.member_id:
        members = members | Member.objects.filter(pk=volunteer.member_id)
    return VolunteerForm(request.POST or None, instance=volunteer, units=units, teams=teams.distinct(), members=members)


@login_required
def staff_volunteer_new(request):
    scope = scope_for(request.user)
    _need_edit_somewhere(scope)
    form = _volunteer_form(request, scope)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        volunteer = form.save()
        messages.success(request, _("Registered %(name)s.") % {"name": volunteer.name})
        return redirect("volunteer_staff_volunteer", volunteer_pk=volunteer.pk)
    return render(request, "projects/volunteer/staff/form.html", {"form": form, "title": _("Register a volunteer")})


@require_safe
@login_required
def staff_volunteer(request, volunteer_pk):
    scope = scope_for(request.user)
    volunteer = scope.get_object_or_404(
        Volunteer.objects.select_related("unit", "member__unit").with_hours(), "unit", pk=volunteer_pk
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
    return render(request, "projects/volunteer/staff/volunteer_detail.html", context)


@login_required
def staff_volunteer_edit(request, volunteer_pk):
    scope = scope_for(request.user)
    volunteer = scope.get_object_or_404(Volunteer.objects.select_related("unit"), "unit", need=EDIT, pk=volunteer_pk)
    form = _volunteer_form(request, scope, volunteer)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": volunteer.name})
        return redirect("volunteer_staff_volunteer", volunteer_pk=volunteer.pk)
    context = {"form": form, "title": _("Edit %(name)s") % {"name": volunteer.name}}
    return render(request, "projects/volunteer/staff/form.html", context)


@login_required
def staff_certificate_new(request, volunteer_pk):
    scope = scope_for(request.user)
    volunteer = scope.get_object_or_404(Volunteer.objects.select_related("unit"), "unit", need=EDIT, pk=volunteer_pk)
    form = PeriodForm(request.POST or None, initial=PeriodForm.this_year())
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.issue_certificate(
                volunteer=volunteer, start=form.cleaned_data["start"], end=form.cleaned_data["end"], user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, _first_error(exc))
        else:
            return redirect("volunteer_staff_certificate", certificate_pk=certificate.pk)
    context = {"form": form, "title": _("Certificate for %(name)s") % {"name": volunteer.name}}
    return render(request, "projects/volunteer/staff/form.html", context)


@require_safe
@login_required
def staff_certificate(request, certificate_pk):
    scope = scope_for(request.user)
    certificate = scope.get_object_or_404(
        Certificate.objects.select_related("volunteer", "unit", "issued_by"), "unit", pk=certificate_pk
    )
    verify_url = request.build_absolute_uri(reverse("volunteer_verify"))
    context = {
        "certificate": certificate,
        "code": services.format_code(certificate.code),
        "verify_url": verify_url,
    }
    return render(request, "projects/volunteer/staff/certificate.html", context)


@require_safe
@login_required
def staff_activities(request):
    scope = scope_for(request.user)
    activities = scope.filter(Activity.objects.all(), "project__unit").select_related("project__unit", "center")
    activities = activities.with_signup_counts()
    when = request.GET.get("when", "upcoming")
    now = timezone.now()
    if when == "past":
        activities = activities.past(now).order_by("-starts_at", "pk")
    else:
        when = "upcoming"
        activities = activities.filter(ends_at__gte=now).order_by("starts_at", "pk")
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/volunteer/staff/activities.html", {"page": page, "when": when})


@login_required
def staff_activity_new(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.all(), "unit", need=EDIT, pk=project_pk)
    # A new activity is at the project's center unless staff choose another place.
    form = ActivityForm(
        request.POST or None,
        instance=Activity(project=project, center_id=project.center_id),
        centers=_centers(scope, project.center_id),
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save()
        messages.success(request, _("Created %(name)s.") % {"name": activity.title})
        return redirect("volunteer_staff_activity", activity_pk=activity.pk)
    context = {"form": form, "title": _("New activity of %(name)s") % {"name": project.title}}
    return render(request, "projects/volunteer/staff/form.html", context)


@require_safe
@login_required
def staff_activity(request, activity_pk):
    scope = scope_for(request.user)
    activity = scope.get_object_or_404(
        Activity.objects.select_related("project__unit", "center").with_signup_counts(), "project__unit", pk=activity_pk
    )
    signups = activity.signups.order_by("cancelled_at", "created_at", "pk")
    context = {
        "activity": activity,
        "signups": signups,
        "total_hours": activity.service_records.total_hours(),
        "can_edit": scope.allows(activity.project.unit, EDIT),
    }
    return render(request, "projects/volunteer/staff/activity_detail.html", context)


@login_required
def staff_activity_edit(request, activity_pk):
    scope = scope_for(request.user)
    activity = scope.get_object_or_404(
        Activity.objects.select_related("project"), "project__unit", need=EDIT, pk=activity_pk
    )
    form = ActivityForm(request.POST or None, instance=activity, centers=_centers(scope, activity.center_id))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": activity.title})
        return redirect("volunteer_staff_activity", activity_pk=activity.pk)
    context = {"form": form, "title": _("Edit %(name)s") % {"name": activity.title}}
    return render(request, "projects/volunteer/staff/form.html", context)


@login_required
def staff_attendance(request, activity_pk):
    """Attendance and hours of every live sign-up, of volunteers who came without signing up,
    and one more such volunteer to add: one form, saved all or nothing by one service call."""
    scope = scope_for(request.user)
    activity = scope.get_object_or_404(
        Activity.objects.select_related("project__unit"), "project__unit", need=EDIT, pk=activity_pk
    )
    data = request.POST or None
    signups = list(activity.signups.active().select_related("volunteer").order_by("created_at", "pk"))
    records = list(activity.service_records.select_related("volunteer__unit").order_by("volunteer__name", "pk"))
    existing = {r.volunteer_id: r.hours for r in records}
    default_hours = round((activity.ends_at - activity.starts_at).total_seconds() / 3600 * 4) / 4
    rows = []
    for signup in signups:
        hours = existing.get(signup.volunteer_id) if signup.volunteer_id else None
        initial = {"attended": hours is not None, "hours": hours if hours is not None else default_hours}
        rows.append((signup, AttendanceForm(data, prefix=f"s{signup.pk}", initial=initial), True))
    # Volunteers with hours here but no live sign-up: added earlier as walk-ins (or cancelled).
    signed_up = {s.volunteer_id for s in signups if s.volunteer_id}
    for record in records:
        if record.volunteer_id not in signed_up:
            initial = {"attended": True, "hours": record.hours}
            form = AttendanceForm(data, prefix=f"v{record.volunteer_id}", initial=initial)
            rows.append((record.volunteer, form, False))
    # A walk-in is chosen among the volunteers in scope who have no row yet (by volunteer or by
    # mobile: a resident may have signed up before registering as a volunteer).
    candidates = (
        scope.filter(Volunteer.objects.all(), "unit", EDIT)
        .select_related("unit")
        .exclude(pk__in=signed_up | set(existing))
        .exclude(mobile__in=[s.mobile for s in signups])
    )
    # A street may hold thousands of volunteers: the list offers those of the project's unit,
    # or those matching a search, never more than WALK_IN_CHOICES; any candidate validates.
    find = request.GET.get("find", "").strip()[:50]
    if find:
        by_mobile = Q(mobile__endswith=find) if find.isdigit() and len(find) <= 4 else Q(pk__in=[])
        shown = candidates.filter(Q(name__icontains=find) | by_mobile)
    else:
        shown = candidates.filter(unit__path__startswith=activity.project.unit.path)
    shown = list(shown.order_by("name", "pk")[: WALK_IN_CHOICES + 1])
    walk_in = WalkInForm(data, prefix="add", volunteers=candidates, initial={"hours": default_hours})
    if request.method == "POST":
        if all([form.is_valid() for _who, form, _signed in rows] + [walk_in.is_valid()]):
            entries = [(who, f.cleaned_data["attended"], f.cleaned_data["hours"]) for who, f, _signed in rows]
            if walk_in.cleaned_data.get("volunteer"):
                entries.append((walk_in.cleaned_data["volunteer"], True, walk_in.cleaned_data["hours"]))
            try:
                saved = services.record_attendance(activity=activity, entries=entries, user=request.user)
            except ValidationError as exc:
                messages.error(request, _first_error(exc))
            else:
                messages.success(request, _("Saved hours for %(n)s volunteers.") % {"n": saved})
                return redirect("volunteer_staff_activity", activity_pk=activity.pk)
        else:
            messages.error(request, _("Please correct the rows marked below; nothing was saved."))
    context = {
        "activity": activity,
        "rows": rows,
        "walk_in": walk_in,
        "walk_in_choices": [
            (v.pk, walk_in.fields["volunteer"].label_from_instance(v)) for v in shown[:WALK_IN_CHOICES]
        ],
        "more_choices": len(shown) > WALK_IN_CHOICES,
        "limit": WALK_IN_CHOICES,
        "find": find,
    }
    return render(request, "projects/volunteer/staff/attendance.html", context)


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
        volunteers = scope.filter(Volunteer.objects.all(), "unit")
        data = services.hours_workbook(volunteers=volunteers, start=start, end=end)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="volunteer-hours-{start}-{end}.xlsx"'
        return response
    return render(request, "projects/volunteer/staff/export.html", {"form": form})
