"""The 任务 pages (staff): the jobs of one's scope, one job with its progress and outcome."""

import os

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.exports import file_response

from ..models import Job
from ..scope import EDIT, MANAGE, VIEW, scope_for
from ..services.jobs import KINDS, progress_of


@require_safe
@login_required
def job_list(request):
    if not scope_for(request.user).can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    jobs = Job.objects.visible_to(request.user).select_related("unit", "started_by")
    page = Paginator(jobs, 50).get_page(params.page(request.GET))
    return render(request, "grids/jobs/list.html", {"page": page, "kinds": KINDS})


@require_safe
@login_required
def job_detail(request, job_pk):
    scope = scope_for(request.user)
    job = scope.get_object_or_404(Job.objects.select_related("unit", "started_by"), pk=job_pk)
    done, total = progress_of(job)
    # A read-only user sees a preview but is not offered the confirmation they may not send.
    context = {"job": job, "done": done, "total": total, "kinds": KINDS, "can_edit": scope.allows(job.unit, EDIT)}
    return render(request, "grids/jobs/detail.html", context)


@never_cache
@require_safe
@login_required
def job_result(request, job_pk):
    """The file a job wrote (an export): to whoever may see the job, with the role its params
    name (full numbers, the audit trail: 管理员); recorded in the audit trail like every download."""
    scope = scope_for(request.user)
    job = scope.get_object_or_404(Job.objects.select_related("unit"), pk=job_pk)
    if not isinstance(job.params, dict):
        raise Http404(_("This job has no file."))
    need = job.params.get("need", VIEW)
    scope.check(job.unit, need if need in (VIEW, EDIT, MANAGE) else MANAGE)
    if job.params.get("only_starter") and job.started_by_id != request.user.pk:
        # An export of the starter's whole scope (the audit trail, volunteers): the job hangs on
        # one of their units, but the file may hold rows of the others.
        raise PermissionDenied(_("Only whoever started this export can download its file."))
    if not job.result_file:
        raise Http404(_("This job has no file."))
    try:
        stored = job.result_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("This job has no file.")) from exc
    return file_response(os.path.basename(job.result_file.name), stored)


@never_cache
@require_safe
@login_required
def job_progress(request, job_pk):
    job = scope_for(request.user).get_object_or_404(Job.objects, pk=job_pk)
    done, total = progress_of(job)
    percent = 100 if job.finished else (int(done * 100 / total) if total else 0)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.finished,
            "done": done,
            "total": total,
            "percent": percent,
        }
    )
