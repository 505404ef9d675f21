"""Service-project pages: the public /volunteer/ index (projects, with upcoming activities),
project pages and team ranking; staff projects, ratings and teams (scoped through grids.scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.scope import EDIT, VIEW, scope_for
from portal.core import pagecache, params

from ..forms.service import ProjectFilterForm, ProjectForm, RatingForm, TeamForm
from ..models.activities import Activity, ServiceRecord
from ..models.service import ProjectCategory, ProjectStatus, ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer
from ..services import service as services
from .common import PAGE_SIZE, editable_centers, need_edit_somewhere


@require_safe
@pagecache.public_page("projects", "centers", "grids", clock=True)
def index(request):
    form = ProjectFilterForm(request.GET)
    projects = form.filter(ServiceProject.objects.public().select_related("unit", "center"))
    page = Paginator(projects.order_by("-star_rating", "title", "pk"), PAGE_SIZE).get_page(params.page(request.GET))
    upcoming = (
        Activity.objects.upcoming()
        .open_for_signup()
        .filter(project__status=ProjectStatus.ACTIVE)
        .select_related("project__unit", "center")
        .with_signup_counts()
        .order_by("starts_at", "pk")[:12]
    )
    return render(request, "projects/service/index.html", {"form": form, "page": page, "upcoming": upcoming})


def _public_project(pk):
    return get_object_or_404(ServiceProject.objects.public().select_related("unit", "center"), pk=pk)


@require_safe
@pagecache.public_page("projects", "centers", "grids", clock=True)
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
    return render(request, "projects/service/project_detail.html", context)


@require_safe
@pagecache.public_page("projects")
def team_ranking(request):
    # Team names and totals only: no members, no units' people.
    teams = VolunteerTeam.objects.ranked().values("name", total_hours=F("ranked_hours"))[:50]
    return render(request, "projects/service/teams.html", {"teams": teams})


def _staff_projects(scope, need=VIEW):
    return scope.filter(ServiceProject.objects.all(), need)


@require_safe
@login_required
def staff_projects(request):
    scope = scope_for(request.user)
    projects = _staff_projects(scope)
    query = params.text(request.GET, "q", label=_("search"))
    if query:
        projects = projects.filter(title__icontains=query)
    category = params.choice(request.GET, "category", ProjectCategory.values, label=_("category"))
    if category:
        projects = projects.filter(category=category)
    order = ("unit__path", "title", "pk")
    page = Paginator(projects.order_by(*order).only("pk"), PAGE_SIZE).get_page(params.page(request.GET))
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
    return render(request, "projects/service/staff/projects.html", context)


@login_required
def staff_project_new(request):
    scope = scope_for(request.user)
    need_edit_somewhere(scope)
    form = ProjectForm(
        request.POST or None, request.FILES or None, units=scope.units(EDIT), centers=editable_centers(scope)
    )
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        project = _save_project(form, old_cover="")
        messages.success(request, _("Created %(name)s.") % {"name": project.title})
        return redirect("volunteer_staff_project", project_pk=project.pk)
    return render(request, "projects/service/staff/form.html", {"form": form, "title": _("New service project")})


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
    project = scope.get_object_or_404(ServiceProject.objects.select_related("unit", "center"), pk=project_pk)
    activities = project.activities.with_signup_counts().order_by("-starts_at", "pk")
    context = {
        "project": project,
        "activities": activities,
        "ratings": project.ratings.select_related("rated_by"),
        "total_hours": ServiceRecord.objects.filter(activity__project=project).total_hours(),
        "can_edit": scope.allows(project.unit, EDIT),
    }
    return render(request, "projects/service/staff/project_detail.html", context)


@login_required
def staff_project_edit(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.all(), need=EDIT, pk=project_pk)
    old_cover = project.cover.name
    units = scope.units(EDIT) | type(project.unit).objects.filter(pk=project.unit_id)
    centers = editable_centers(scope, project.center_id)
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project, units=units, centers=centers)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        project = _save_project(form, old_cover=old_cover)
        messages.success(request, _("Saved %(name)s.") % {"name": project.title})
        return redirect("volunteer_staff_project", project_pk=project.pk)
    context = {"form": form, "title": _("Edit %(name)s") % {"name": project.title}}
    return render(request, "projects/service/staff/form.html", context)


@login_required
def staff_project_rate(request, project_pk):
    scope = scope_for(request.user)
    project = scope.get_object_or_404(ServiceProject.objects.all(), need=EDIT, pk=project_pk)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.rate_project(project=project, user=request.user, **form.cleaned_data)
        messages.success(request, _("Rated %(name)s.") % {"name": project.title})
        return redirect("volunteer_staff_project", project_pk=project.pk)
    context = {"form": form, "title": _("Star rating of %(name)s") % {"name": project.title}}
    return render(request, "projects/service/staff/form.html", context)


@require_safe
@login_required
def staff_teams(request):
    scope = scope_for(request.user)
    teams = VolunteerTeam.objects.visible_to(request.user).select_related("unit", "leader").with_hours()
    teams = teams.with_member_counts()
    page = Paginator(teams.order_by("unit__path", "name", "pk"), PAGE_SIZE).get_page(params.page(request.GET))
    return render(request, "projects/service/staff/teams.html", {"page": page, "can_edit": scope.can(EDIT)})


def _team_form(request, scope, team=None):
    units = scope.units(EDIT)
    if team is not None:
        units = units | type(team.unit).objects.filter(pk=team.unit_id)
    volunteers = scope.filter(Volunteer.objects.all(), EDIT)
    return TeamForm(request.POST or None, instance=team, units=units, volunteers=volunteers)


@login_required
def staff_team_new(request):
    scope = scope_for(request.user)
    need_edit_somewhere(scope)
    form = _team_form(request, scope)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        team = form.save()
        messages.success(request, _("Created %(name)s.") % {"name": team.name})
        return redirect("volunteer_staff_teams")
    return render(request, "projects/service/staff/form.html", {"form": form, "title": _("New volunteer team")})


@login_required
def staff_team_edit(request, team_pk):
    scope = scope_for(request.user)
    team = scope.get_object_or_404(VolunteerTeam.objects.select_related("unit"), need=EDIT, pk=team_pk)
    form = _team_form(request, scope, team)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": team.name})
        return redirect("volunteer_staff_teams")
    context = {"form": form, "title": _("Edit %(name)s") % {"name": team.name}}
    return render(request, "projects/service/staff/form.html", context)
