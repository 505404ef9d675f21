"""Staff pages of bulk work along the tree: imports with a preview (a job), their confirmation
(a second job, all or nothing), templates, the units' export, posts from a pattern."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.core.exports import xlsx_response

from ..forms.imports import ImportForm, PostPatternForm
from ..models import Job, JobStatus, Level, Unit
from ..scope import EDIT, VIEW, scope_for
from ..services import bulk_import, posts_io, units_io
from ..services.tree import attach_full_names


def _unit_for(request, unit_pk, name, need):
    unit = scope_for(request.user).get_object_or_404(Unit.objects.all(), need=need, pk=unit_pk)
    # Grids and building groups are imported under a community (or one of its grids).
    if name == "units" and unit.level not in (Level.COMMUNITY, Level.GRID):
        raise Http404(_("Choose a community or a grid."))
    return unit


@login_required
def import_upload(request, unit_pk, name):
    unit = _unit_for(request, unit_pk, name, EDIT)
    importer = bulk_import.IMPORTERS[name]
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = bulk_import.start_import(name, user=request.user, unit=unit, upload=form.cleaned_data["workbook"])
        return redirect("job_detail", job.pk)
    attach_full_names([unit])
    context = {
        "form": form,
        "unit": unit,
        "name": name,
        "label": importer.label,
        "headers": bulk_import.headers(importer),
    }
    return render(request, "grids/imports/upload.html", context)


@require_safe
@login_required
def import_template(request, unit_pk, name):
    unit = _unit_for(request, unit_pk, name, VIEW)
    content = bulk_import.template_workbook(bulk_import.IMPORTERS[name], user=request.user, unit=unit)
    return xlsx_response(f"{name}-template-{unit.pk}.xlsx", content)


def _confirmable(job):
    params = job.params if isinstance(job.params, dict) else {}
    return (
        job.kind == bulk_import.KIND
        and params.get("preview") is True
        and params.get("importer") in bulk_import.IMPORTERS
        and job.status == JobStatus.DONE
        and bool(job.input_file)
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_confirm(request, job_pk):
    """Run a previewed import for real: the same file, by whoever confirms (EDIT on its unit)."""
    scope = scope_for(request.user)
    if request.method != "POST":
        preview = scope.get_object_or_404(Job.objects.select_related("unit"), pk=job_pk)
        context = {
            "title": _("Import %(title)s?") % {"title": preview.title},
            "text": _("Every row of the preview is written, or none if the database refuses one."),
            "button": _("Confirm the import"),
            "allowed": scope.allows(preview.unit, EDIT) and _confirmable(preview),
            "back": reverse("job_detail", args=[preview.pk]),
        }
        return render(request, "grids/members/confirm.html", context)
    preview = scope.get_object_or_404(Job.objects.select_related("unit"), need=EDIT, pk=job_pk)
    if not _confirmable(preview):
        messages.error(request, _("Only a preview that found no problem can be confirmed."))
        return redirect("job_detail", preview.pk)
    with preview.input_file.open("rb") as stored:
        upload = ContentFile(stored.read(), name=preview.input_file.name.rsplit("/", 1)[-1])
    job = bulk_import.start_import(
        preview.params["importer"], user=request.user, unit=preview.unit, upload=upload, preview=False
    )
    return redirect("job_detail", job.pk)


@require_safe
@login_required
def units_export(request, unit_pk):
    """The grids and building groups under a community or grid, in the units import's format."""
    unit = _unit_for(request, unit_pk, "units", VIEW)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"units-{unit.pk}-{stamp}.xlsx", units_io.export_workbook(unit))


@login_required
def posts_bulk(request, unit_pk):
    """One post for every building group under a unit: the form, then how many it makes, then create."""
    unit = scope_for(request.user).get_object_or_404(Unit.objects.all(), need=EDIT, pk=unit_pk)
    form = PostPatternForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = posts_io.plan_posts(
            user=request.user,
            unit=unit,
            pattern=data["pattern"],
            kind=data["kind"],
            capacity=data["capacity"],
            description=data["description"],
        )
        if data["confirmed"] and plan.new:
            created = posts_io.create_posts(plan)
            messages.success(request, _("Created %(n)d posts.") % {"n": created})
            return redirect("post_list")
        form = PostPatternForm(initial={**data, "confirmed": True})
    attach_full_names([unit])
    return render(request, "grids/imports/posts_bulk.html", {"form": form, "unit": unit, "plan": plan})
