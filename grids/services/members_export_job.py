"""The member export of a large list as a job (grids.services.exports_job): the worker filters the
started_by user's members as the list page did and writes the same workbook."""

from django.utils import timezone

from ..forms.members import MemberFilterForm
from ..models import Level, Member, Unit
from ..scope import MANAGE, VIEW, scope_for
from .exports_job import exporter, query_of
from .members_export import export_workbook

NAME = "members"


def member_filter_form(scope, data):
    # Streets and communities only, so the select stays short; the filter takes the subtree.
    choices = scope.units(VIEW).filter(level__lte=Level.COMMUNITY).order_by("path")
    return MemberFilterForm(data, unit_choices=choices)


def members_to_export(user, unit, data, *, full):
    """The members under `unit` the list's filter `data` finds, as the user may export them."""
    scope = scope_for(user)
    need = MANAGE if full else VIEW
    return member_filter_form(scope, data).filter(Member.objects.under(unit).visible_to(user, need))


def export_filename(unit, *, full):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"members-{unit.pk}-{stamp}{'-full' if full else ''}.xlsx"


@exporter(NAME)
def build_members(job, progress):
    user, full = job.started_by, bool(job.params.get("full"))
    unit = scope_for(user).get_object_or_404(Unit.objects.all(), need=MANAGE if full else VIEW, pk=job.unit_id)
    members = members_to_export(user, unit, query_of(job), full=full)
    rows = members.count()
    content = export_workbook(members, user=user, full=full, progress=progress)
    return export_filename(unit, full=full), content, rows
