"""Staff pages for Party members (/staff/members/...): list, detail, reveal, register, edit,
move, leave, and Excel export and import.

Every query goes through grids.scope. ID-card and mobile numbers are shown masked; the full
numbers appear only in the response to a 管理员's POST (never in a URL), each reveal recorded.
"""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from portal.core import pagecache, params
from portal.core.exports import xlsx_response
from portal.core.forms import add_service_errors
from portal.core.queries import more_than

from ..forms.members import ImportCategoryForm, ImportForm, LeaveForm, MemberForm, MoveForm
from ..models import DemandHelper, Job, JobStatus, Member, Report, RevealKind, Unit
from ..scope import EDIT, MANAGE, VIEW, scope_for
from ..services import members as member_services
from ..services.exports_job import job_rows, start_export
from ..services.jobs import start_job
from ..services.members_bulk import bulk_choices
from ..services.members_export import export_workbook, template_workbook
from ..services.members_export_job import NAME, export_filename, member_filter_form, members_to_export
from ..services.members_import_job import KIND, PREVIEW
from ..services.tree import attach_full_names

PAGE_SIZE = 50


def member_units(scope, need=EDIT):
    return scope.units(need).filter(level__in=member_services.MEMBER_LEVELS).order_by("path")


def editable_member(request, member_pk):
    """(member, None) for a member on the books the user may edit, or (member, redirect) for one
    who left: their record is kept as it was, not edited back into an active member."""
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), need=EDIT, pk=member_pk)
    if member.has_left:
        messages.error(request, member_services.left_message(member))
        return member, redirect("member_detail", member_pk=member.pk)
    return member, None


def default_root(scope):
    """The first top unit of the user's scope: where a page starts when none is chosen."""
    roots = scope.roots(VIEW)
    return roots[0] if roots else None


@require_safe
@login_required
def member_list(request):
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    form = member_filter_form(scope, request.GET)
    members = form.filter(Member.objects.visible_to(request.user)).for_list()
    paginator = Paginator(members, PAGE_SIZE)
    counted = member_services.counted_on_the_books(scope, form)
    if counted is not None:
        paginator.count = counted  # known: the paginator's COUNT read a million rows at 10×
    page = paginator.get_page(params.page(request.GET))
    attach_full_names([member.unit for member in page.object_list])
    chosen = form.cleaned_data.get("unit") if form.is_valid() else None
    context = {
        "form": form,
        "page": page,
        "export_unit": chosen or default_root(scope),
        "can_edit": scope.can(EDIT),
        "can_manage": scope.can(MANAGE),
        "bulk_actions": bulk_choices(),
    }
    return render(request, "grids/members/list.html", context)


def _detail_context(scope, member):
    attach_full_names([member.unit])
    moves = list(member.moves.select_related("from_unit", "to_unit", "moved_by"))
    report = Report.objects.select_related("building").filter(member=member).first()
    attach_full_names(
        [unit for move in moves for unit in (move.from_unit, move.to_unit) if unit]
        + ([report.building] if report else [])
    )
    return {
        "member": member,
        "moves": moves,
        "report": report,
        "claims": member.claims.select_related("post", "post__unit"),
        # 实事: the year's hours helping with residents' demands (one query, whatever the count).
        "demand_year": (year := timezone.localdate().year),
        "demand_hours": DemandHelper.objects.member_hours(member, year),
        "can_edit": scope.allows(member.unit, EDIT) and not member.has_left,
        "can_reveal": scope.allows(member.unit, MANAGE),
        "revealed": None,
    }


@require_safe
@login_required
def member_detail(request, member_pk):
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), pk=member_pk)
    return render(request, "grids/members/detail.html", _detail_context(scope, member))


@sensitive_variables("id_card", "mobile", "context")
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def member_reveal(request, member_pk):
    """A 管理员 asks to see the full numbers: POST only (the numbers never sit in a URL or a
    cache), recorded. A GET just goes back to the masked page."""
    scope = scope_for(request.user)
    if request.method != "POST":
        member = scope.get_object_or_404(Member.objects.all(), pk=member_pk)
        context = {
            "title": _("Show the full numbers of %(name)s?") % {"name": member.name},
            "text": _("Only administrators may see them, and each time is recorded: who, when and which member."),
            "button": _("Show full numbers (recorded)"),
            "allowed": scope.allows(member.unit, MANAGE),
            "back": reverse("member_detail", args=[member.pk]),
        }
        return render(request, "grids/members/confirm.html", context)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), need=MANAGE, pk=member_pk)
    context = _detail_context(scope, member)
    id_card, mobile = member_services.reveal(user=request.user, members=[member], kind=RevealKind.PAGE)[member.pk]
    context["revealed"] = {"id_card": id_card, "mobile": mobile}
    return render(request, "grids/members/detail.html", context)


@sensitive_post_parameters("id_card", "mobile")
@login_required
def member_create(request):
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    form = MemberForm(request.POST or None, unit_choices=member_units(scope), user=request.user)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        member = form.save()
        messages.success(request, _("Registered %(name)s.") % {"name": member.name})
        return redirect("member_detail", member_pk=member.pk)
    return render(request, "grids/members/form.html", {"form": form, "title": _("Register a Party member")})


@sensitive_post_parameters("id_card", "mobile")
@login_required
def member_edit(request, member_pk):
    member, refused = editable_member(request, member_pk)
    if refused:
        return refused
    # The unit is changed by a move (which keeps the history), not here.
    form = MemberForm(
        request.POST or None, instance=member, unit_choices=Unit.objects.filter(pk=member.unit_id), user=request.user
    )
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": member.name})
        return redirect("member_detail", member_pk=member.pk)
    return render(
        request,
        "grids/members/form.html",
        {"form": form, "member": member, "title": _("Edit %(name)s") % {"name": member.name}},
    )


@login_required
def member_move(request, member_pk):
    scope = scope_for(request.user)
    member, refused = editable_member(request, member_pk)
    if refused:
        return refused
    form = MoveForm(request.POST or None, unit_choices=member_units(scope))
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["to_unit"], EDIT)
        try:
            member_services.move_member(
                member=member,
                to_unit=form.cleaned_data["to_unit"],
                to_outside_org=form.cleaned_data["to_outside_org"],
                moved_on=form.cleaned_data["moved_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "to_unit")
        else:
            messages.success(request, _("Moved %(name)s.") % {"name": member.name})
            return redirect("member_detail", member_pk=member.pk)
    title = _("Move %(name)s") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


@login_required
def member_leave(request, member_pk):
    """A member leaves the books (转出, 出党, 去世) on a date: recorded, never deleted."""
    member, refused = editable_member(request, member_pk)
    if refused:
        return refused
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_services.leave(
                members=[member],
                reason=form.cleaned_data["left_reason"],
                left_on=form.cleaned_data["left_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "left_on")
        else:
            messages.success(request, _("%(name)s has left; the record is kept.") % {"name": member.name})
            return redirect("member_detail", member_pk=member.pk)
    title = _("%(name)s leaves") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


@require_http_methods(["GET", "POST"])
@login_required
def member_export(request, unit_pk):
    """The filtered list under a unit as .xlsx: masked (GET), or with full numbers for a
    管理员 who asks (POST), each member's reveal recorded. A list of more than a few thousand
    members is written by a background job, whose page offers the file."""
    scope = scope_for(request.user)
    full = request.method == "POST"
    unit = scope.get_object_or_404(Unit.objects.all(), need=MANAGE if full else VIEW, pk=unit_pk)
    data = request.POST if full else request.GET
    members = members_to_export(request.user, unit, data, full=full)
    if more_than(members, job_rows()):
        query = data.copy()
        query.pop("csrfmiddlewaretoken", None)
        title = _("Member export: %(unit)s") % {"unit": unit.name}
        job = start_export(
            NAME,
            user=request.user,
            unit=unit,
            title=title,
            query=query.urlencode(),
            full=full,
            need=MANAGE if full else VIEW,
        )
        return redirect("job_detail", job.pk)
    content = export_workbook(members, user=request.user, full=full)
    return xlsx_response(export_filename(unit, full=full), content)


def export_response(request, members, label, *, full=False):
    """The members' workbook (masked unless `full`) as a download named members-<label><time>."""
    content = export_workbook(members, user=request.user, full=full)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"members-{label}{stamp}{'-full' if full else ''}.xlsx", content)


@login_required
def member_import(request):
    """Upload a roster: a preview job checks it (nothing written); its page asks to confirm."""
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        job = start_job(
            PREVIEW,
            user=request.user,
            unit=scope.roots(EDIT)[0],
            title=_("Member import preview: %(name)s") % {"name": upload.name},
            params={"category": form.cleaned_data["category"]},
            upload=upload,
        )
        return redirect("job_detail", job.pk)
    roots = scope.roots(EDIT)
    attach_full_names(roots)
    return render(request, "grids/members/import.html", {"form": form, "roots": roots})


@require_http_methods(["GET", "POST"])
@login_required
def member_import_confirm(request, job_pk):
    """Import the roster a finished, clean preview checked, as a job of its own. The form is on
    the preview's job page (GET goes there)."""
    scope = scope_for(request.user)
    preview = scope.get_object_or_404(Job.objects.all(), need=EDIT, pk=job_pk)
    if request.method != "POST":
        return redirect("job_detail", preview.pk)
    form = ImportCategoryForm(request.POST)
    confirmable = preview.kind == PREVIEW and preview.status == JobStatus.DONE and preview.input_file
    if not confirmable or not form.is_valid():
        messages.error(request, _("Only a finished preview that found no problem can be confirmed."))
        return redirect("job_detail", preview.pk)
    with preview.input_file.open("rb") as stored:
        job = start_job(
            KIND,
            user=request.user,
            unit=preview.unit,
            title=_("Member import: %(name)s") % {"name": preview.title.split(": ", 1)[-1]},
            params={"category": form.cleaned_data["category"], "preview": preview.pk},
            upload=File(stored, name=os.path.basename(preview.input_file.name)),
        )
    return redirect("job_detail", job.pk)


@require_safe
@login_required
def member_import_template(request, unit_pk):
    """The import template, with the paths of the units under `unit` one may import into."""
    scope = scope_for(request.user)
    unit = scope.get_object_or_404(Unit.objects.all(), pk=unit_pk)

    def build():
        units = member_units(scope).filter(path__startswith=unit.path).only("pk", "name", "code", "path", "level")
        return template_workbook(units=attach_full_names(units))

    # The same file for everyone who may edit the same units, until a unit changes: written once
    # (a district at 10× lists 11,593 units twice, about a second of openpyxl's XML writing).
    editable = "*" if scope.everything else "|".join(scope.paths(EDIT))
    content = pagecache.cached_value("member_template", ("grids.unit",), build, unit.pk, editable, get_language())
    return xlsx_response(f"members-template-{unit.pk}.xlsx", content)
