"""Activity pages: the public activity page with its sign-up, cancellation by token; staff
activities, activity detail, new and edit, attendance and hours (scoped through grids.scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.scope import EDIT, scope_for
from portal.core import pagecache, params
from portal.core.ratelimit import posted, ratelimit

from ..forms.activities import ActivityForm, AttendanceForm, MySignupForm, SignupForm, WalkInForm
from ..models.activities import Activity, Signup
from ..models.service import ProjectStatus, ServiceProject
from ..models.volunteers import Volunteer
from ..services import activities as services
from .common import PAGE_SIZE, editable_centers, first_error

WALK_IN_CHOICES = 100  # volunteers listed at once on the attendance page (search for others)


@ratelimit("signup", when=posted)
@pagecache.public_page("projects", "centers", "grids", clock=True)
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
                form.add_error(None, first_error(exc))
            else:
                cancel_url = request.build_absolute_uri(reverse("volunteer_cancel", args=[token]))
                code = f"{signup.code[:4]} {signup.code[4:]}"
                context = {"activity": activity, "signup": signup, "cancel_url": cancel_url, "code": code}
                response = render(request, "projects/activities/signup_done.html", context)
                # The page holds the only copy of the cancellation link: keep it out of caches.
                response["Cache-Control"] = "no-store"
                return response
    status = 400 if request.method == "POST" else 200
    context = {"activity": activity, "form": form, "open_now": open_now}
    return render(request, "projects/activities/activity_detail.html", context, status=status)


@ratelimit("lookup")  # the token is a secret: each page opened is a guess at it
@ratelimit("cancel", when=posted)
def cancel(request, token):
    signup = services.signup_for_token(token)
    if signup is None:
        raise Http404(_("This cancellation link is not valid."))
    error = None
    if request.method == "POST" and signup.cancelled_at is None:
        try:
            services.cancel_signup(token=token)
        except ValidationError as exc:
            error = first_error(exc)
        else:
            signup.refresh_from_db(fields=["cancelled_at"])
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    response = render(
        request, "projects/activities/cancel.html", {"signup": signup, "error": error}, status=400 if error else 200
    )
    response["Cache-Control"] = "no-store"
    # The token is in this page's URL: never send it to another site. (Not "no-referrer":
    # the browser would then post with "Origin: null" and fail Django's CSRF origin check.)
    response["Referrer-Policy"] = "same-origin"
    return response


MY_SIGNUP_KEY = "my_signup"
MY_SIGNUP_SECONDS = 30 * 60  # how long a sign-up found by mobile and code stays open in the session


def _my_signup(request):
    """The sign-up this visitor found with mobile and code in the last half hour, or None."""
    found = request.session.get(MY_SIGNUP_KEY)
    if not isinstance(found, dict) or timezone.now().timestamp() - found.get("at", 0) > MY_SIGNUP_SECONDS:
        return None
    return Signup.objects.select_related("activity__project", "activity__center").filter(pk=found.get("pk")).first()


@ratelimit("lookup", when=posted)  # each mobile and code sent is a guess at a code
@ratelimit("cancel", when=lambda request: request.method == "POST" and "cancel" in request.POST)
def my_signup(request):
    """我的报名: a resident finds a sign-up with the mobile and the sign-up code, and may cancel it
    (as by the link: not once the activity has started). Nothing personal goes in a URL: the
    form is posted, and the sign-up found is kept in the session for half an hour."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    form = MySignupForm(None if "cancel" in request.POST else request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and "cancel" in request.POST:
        signup = _my_signup(request)
        if signup is None:
            error = _("Please enter your mobile number and sign-up code again.")
            status = 400
        else:
            try:
                services.cancel_signup(signup_pk=signup.pk)
            except ValidationError as exc:
                error, status = first_error(exc), 400
            else:
                return redirect("volunteer_mine")
    elif request.method == "POST":
        if form.is_valid():
            signup = services.signup_for_code(mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"])
            if signup is not None:
                request.session[MY_SIGNUP_KEY] = {"pk": signup.pk, "at": timezone.now().timestamp()}
                return redirect("volunteer_mine")
            # One message for a wrong mobile and a wrong code: it never tells whether a mobile
            # has signed up for anything. A sign-up found before is no longer shown with it.
            form.add_error(None, _("No sign-up matches this mobile number and code. Please check both."))
            request.session.pop(MY_SIGNUP_KEY, None)
        status = 400
    signup = _my_signup(request)
    context = {"form": form, "signup": signup, "error": error, "now": timezone.now()}
    response = render(request, "projects/activities/mine.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@login_required
def staff_activities(request):
    activities = Activity.objects.visible_to(request.user).select_related("project__unit", "center")
    activities = activities.with_signup_counts()
    when = params.choice(request.GET, "when", ["upcoming", "past"], default="upcoming", label=_("when"))
    now = timezone.now()
    if when == "past":
        activities = activities.past(now).order_by("-starts_at", "pk")
    else:
        activities = activities.filter(ends_at__gte=now).order_by("starts_at", "pk")
    page = Paginator(activities, PAGE_SIZE).get_page(params.page(request.GET))
    return render(request, "projects/activities/staff/activities.html", {"page": page, "when": when})


@login_required
def staff_activity_new(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.all(), need=EDIT, pk=project_pk)
    # A new activity is at the project's center unless staff choose another place.
    form = ActivityForm(
        request.POST or None,
        instance=Activity(project=project, center_id=project.center_id),
        centers=editable_centers(scope, project.center_id),
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save()
        messages.success(request, _("Created %(name)s.") % {"name": activity.title})
        return redirect("volunteer_staff_activity", activity_pk=activity.pk)
    context = {"form": form, "title": _("New activity of %(name)s") % {"name": project.title}}
    return render(request, "projects/service/staff/form.html", context)


@require_safe
@login_required
def staff_activity(request, activity_pk):
    scope = scope_for(request.user)
    activity = scope.get_object_or_404(
        Activity.objects.select_related("project__unit", "center").with_signup_counts(), pk=activity_pk
    )
    signups = activity.signups.order_by("cancelled_at", "created_at", "pk")
    context = {
        "activity": activity,
        "signups": signups,
        "total_hours": activity.service_records.total_hours(),
        "can_edit": scope.allows(activity.project.unit, EDIT),
    }
    return render(request, "projects/activities/staff/activity_detail.html", context)


@login_required
def staff_activity_edit(request, activity_pk):
    scope = scope_for(request.user)
    activity = scope.get_object_or_404(Activity.objects.select_related("project__unit"), need=EDIT, pk=activity_pk)
    form = ActivityForm(request.POST or None, instance=activity, centers=editable_centers(scope, activity.center_id))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": activity.title})
        return redirect("volunteer_staff_activity", activity_pk=activity.pk)
    context = {"form": form, "title": _("Edit %(name)s") % {"name": activity.title}}
    return render(request, "projects/service/staff/form.html", context)


@login_required
def staff_attendance(request, activity_pk):
    """Attendance and hours of every live sign-up, of volunteers who came without signing up,
    and one more such volunteer to add: one form, saved all or nothing by one service call."""
    scope = scope_for(request.user)
    activity = scope.get_object_or_404(Activity.objects.select_related("project__unit"), need=EDIT, pk=activity_pk)
    # 查找 posts the page with what was typed, like 保存, but saves nothing: the rows come back as
    # typed (unbound forms with the typed values as initial, so nothing is marked wrong yet).
    searching = request.method == "POST" and "search" in request.POST
    data = None if searching else request.POST or None

    def typed(form_class, prefix, initial, **kwargs):
        if searching:
            bound = form_class(request.POST, prefix=prefix, activity=activity, **kwargs)
            initial = {name: bound[name].value() for name in bound.fields}
        return form_class(data, prefix=prefix, initial=initial, activity=activity, **kwargs)

    signups = list(activity.signups.active().select_related("volunteer").order_by("created_at", "pk"))
    records = list(activity.service_records.select_related("volunteer__unit").order_by("volunteer__name", "pk"))
    existing = {r.volunteer_id: r.hours for r in records}
    reasons = {r.volunteer_id: r.extra_hours_reason for r in records}
    # Whole quarter hours, rounded down so the default never passes the activity's length.
    default_hours = int((activity.ends_at - activity.starts_at).total_seconds() // 900) / 4
    rows = []
    for signup in signups:
        hours = existing.get(signup.volunteer_id) if signup.volunteer_id else None
        initial = {"attended": hours is not None, "hours": hours if hours is not None else default_hours}
        initial["reason"] = reasons.get(signup.volunteer_id, "")
        form = typed(AttendanceForm, f"s{signup.pk}", initial)
        rows.append((signup, form, True))
    # Volunteers with hours here but no live sign-up: added earlier as walk-ins (or cancelled).
    signed_up = {s.volunteer_id for s in signups if s.volunteer_id}
    for record in records:
        if record.volunteer_id not in signed_up:
            initial = {"attended": True, "hours": record.hours, "reason": record.extra_hours_reason}
            form = typed(AttendanceForm, f"v{record.volunteer_id}", initial)
            rows.append((record.volunteer, form, False))
    # A walk-in is chosen among the volunteers in scope who have no row yet (by volunteer or by
    # mobile: a resident may have signed up before registering as a volunteer).
    candidates = (
        scope.filter(Volunteer.objects.all(), EDIT)
        .select_related("unit")
        .exclude(pk__in=signed_up | set(existing))
        .exclude(mobile_hash__in=[s.mobile_hash for s in signups])
    )
    # A street may hold thousands of volunteers: the list offers those of the project's unit,
    # or those matching a search, never more than WALK_IN_CHOICES; any candidate validates.
    find = params.text(request.POST if request.method == "POST" else request.GET, "find", label=_("search"))
    if find:
        by_mobile = Q(mobile_masked__endswith=find) if params.is_digits(find) and len(find) <= 4 else Q(pk__in=[])
        shown = candidates.filter(Q(name__icontains=find) | by_mobile)
    else:
        shown = candidates.filter(unit__path__startswith=activity.project.unit.path)
    shown = list(shown.order_by("name", "pk")[: WALK_IN_CHOICES + 1])
    # The walk-in chosen before a search stays chosen (and listed) whatever the search finds.
    chosen = params.pk(request.POST, "add-volunteer", label=_("volunteer")) if searching else None
    if chosen and chosen not in {v.pk for v in shown}:
        shown = [*candidates.filter(pk=chosen), *shown]
    walk_in = typed(WalkInForm, "add", {"hours": default_hours}, volunteers=candidates)
    if data is not None:
        if all([form.is_valid() for _who, form, _signed in rows] + [walk_in.is_valid()]):
            entries = [
                (who, f.cleaned_data["attended"], f.cleaned_data["hours"], f.cleaned_data["reason"])
                for who, f, _signed in rows
            ]
            if walk_in.cleaned_data.get("volunteer"):
                added = walk_in.cleaned_data
                entries.append((added["volunteer"], True, added["hours"], added["reason"]))
            try:
                saved = services.record_attendance(activity=activity, entries=entries, user=request.user)
            except ValidationError as exc:
                messages.error(request, first_error(exc))
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
        "length": f"{activity.length_hours():.2f}",
    }
    return render(request, "projects/activities/staff/attendance.html", context)
