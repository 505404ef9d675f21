"""The 任务 pages (staff): the jobs of one's scope, one job with its progress and outcome."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..models import Job
from ..scope import VIEW, scope_for
from ..services.jobs import KINDS, progress_of


@require_safe
@login_required
def job_list(request):
    if not scope_for(request.user).can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    jobs = Job.objects.visible_to(request.user).select_related("unit", "started_by")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "grids/jobs/list.html", {"page": page, "kinds": KINDS})


@require_safe
@login_required
def job_detail(request, job_pk):
    job = scope_for(request.user).get_object_or_404(Job.objects.select_related("unit", "started_by"), pk=job_pk)
    done, total = progress_of(job)
    return render(request, "grids/jobs/detail.html", {"job": job, "done": done, "total": total, "kinds": KINDS})


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
