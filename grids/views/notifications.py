"""A staff user's own notifications (/staff/notifications/): the list, marking them read, and
the unread count the bell in the staff header fetches (static/grids/notifications.js), so no
page pays a query for it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal.core import params

from ..models import Notification
from ..services import notifications as service

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_list(request):
    if request.method == "POST":
        service.mark_read(request.user)
        return redirect("notification_list")
    mine = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(mine, PAGE_SIZE).get_page(params.page(request.GET))
    return render(
        request, "grids/notifications/list.html", {"page": page, "unread": service.unread_count(request.user)}
    )


@never_cache
@require_safe
@login_required
def notification_count(request):
    return JsonResponse({"unread": service.unread_count(request.user)})
