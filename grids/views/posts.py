"""Staff pages of reporting (报到) and service posts (/staff/members/...): record a member's
report, claim a place for a member, the reporting counts, the posts and their claims.

Every query goes through grids.scope. The forms and confirmations reuse the members' templates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.core import params
from portal.core.forms import add_service_errors

from ..forms.posts import POST_LEVELS, ClaimForm, ReportForm, ServicePostForm
from ..models import Category, Level, Member, PostClaim, Report, ServicePost
from ..scope import EDIT, VIEW, scope_for
from ..services import posts as post_services
from ..services.tree import attach_full_names
from .members import PAGE_SIZE, default_root, editable_member


@login_required
def member_report(request, member_pk):
    """在职党员进社区报到: record the building group the member reports to."""
    scope = scope_for(request.user)
    member, refused = editable_member(request, member_pk)
    if refused:
        return refused
    buildings = scope.units(EDIT).filter(level=Level.BUILDING).order_by("path")
    # The member's own building group first: most members report where they live (002).
    own = member.unit if member.unit.level == Level.BUILDING and scope.allows(member.unit, EDIT) else None
    form = ReportForm(request.POST or None, building_choices=buildings, initial={"building": own})
    if request.method == "POST" and form.is_valid():
        try:
            post_services.report_member(
                member=member,
                building=form.cleaned_data["building"],
                reported_on=form.cleaned_data["reported_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "building")
        else:
            messages.success(request, _("Recorded the report of %(name)s.") % {"name": member.name})
            return redirect("member_detail", member_pk=member.pk)
    title = _("Report of %(name)s to a building group") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


def _open_posts(scope):
    return scope.filter(ServicePost.objects.with_claimed().select_related("unit"), EDIT).order_by("unit__path", "name")


@login_required
def member_claim(request, member_pk):
    scope = scope_for(request.user)
    member, refused = editable_member(request, member_pk)
    if refused:
        return refused
    form = ClaimForm(request.POST or None, post_choices=_open_posts(scope))
    if request.method == "POST" and form.is_valid():
        try:
            post_services.claim_post(
                post=form.cleaned_data["post"],
                member=member,
                claimed_on=form.cleaned_data["claimed_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "post")
        else:
            messages.success(request, _("%(name)s claimed the post.") % {"name": member.name})
            return redirect("member_detail", member_pk=member.pk)
    title = _("A service post for %(name)s") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


@require_safe
@login_required
def reporting(request):
    """Reports (报到) counted per street, community and building group of the scope."""
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    unit = None
    ref = params.pk(request.GET, "unit", label=_("unit"))
    if ref:
        unit = scope.units(VIEW).filter(pk=ref).first()
    unit = unit or default_root(scope)
    attach_full_names([unit])
    children = list(unit.children.order_by("name")) if unit.level < Level.BUILDING else []
    reports = Report.objects.under(unit).current().visible_to(request.user)
    counts = reports.counts_by(unit.level + 1) if children else {}
    in_service = Member.objects.current().under(unit).visible_to(request.user).filter(category=Category.IN_SERVICE)
    context = {
        "unit": unit,
        "rows": [(child, counts.get(child.pk, 0)) for child in children],
        "total": reports.count(),
        "in_service": in_service.count(),
        "parent": unit.parent if unit.parent_id and scope.allows(unit.parent, VIEW) else None,
    }
    return render(request, "grids/posts/reporting.html", context)


@require_safe
@login_required
def post_list(request):
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    posts = (
        ServicePost.objects.visible_to(request.user)
        .with_claimed()
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    page = Paginator(posts, PAGE_SIZE).get_page(params.page(request.GET))
    attach_full_names([post.unit for post in page.object_list])
    return render(request, "grids/posts/list.html", {"page": page, "can_edit": scope.can(EDIT)})


@login_required
def post_create(request):
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    choices = scope.units(EDIT).filter(level__in=POST_LEVELS).order_by("path")
    form = ServicePostForm(request.POST or None, unit_choices=choices)
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["unit"], EDIT)
        post = form.save()
        messages.success(request, _("Created the post %(name)s.") % {"name": post.name})
        return redirect("post_detail", post_pk=post.pk)
    return render(request, "grids/members/form.html", {"form": form, "title": _("New service post")})


@require_safe
@login_required
def post_detail(request, post_pk):
    scope = scope_for(request.user)
    post = scope.get_object_or_404(ServicePost.objects.select_related("unit"), pk=post_pk)
    attach_full_names([post.unit])
    # A member who left holds no place any more (ServicePost.with_claimed counts the same way).
    claims = list(post.claims.filter(member__left_reason="").select_related("member"))
    context = {
        "post": post,
        "claims": claims,
        "free": post.capacity - len(claims),
        "can_edit": scope.allows(post.unit, EDIT),
    }
    return render(request, "grids/posts/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def claim_release(request, claim_pk):
    scope = scope_for(request.user)
    if request.method != "POST":
        claim = scope.get_object_or_404(PostClaim.objects.select_related("post", "post__unit", "member"), pk=claim_pk)
        context = {
            "title": _("Free the place of %(name)s on %(post)s?")
            % {"name": claim.member.name, "post": claim.post.name},
            "text": _("The member no longer holds this post; the place can be claimed again."),
            "button": _("Release"),
            "allowed": scope.allows(claim.post.unit, EDIT),
            "back": reverse("post_detail", args=[claim.post_id]),
        }
        return render(request, "grids/members/confirm.html", context)
    claim = scope.get_object_or_404(PostClaim.objects.select_related("post", "post__unit"), need=EDIT, pk=claim_pk)
    post_services.release_claim(claim=claim)
    messages.success(request, _("The place is free again."))
    return redirect("post_detail", post_pk=claim.post_id)
