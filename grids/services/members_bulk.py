"""The member list's actions on the members ticked in it: leave, move to a unit, report to a
building group, export. Each change goes through the workflow that does it for one member
(grids.services.members.leave / move_member, grids.services.posts.report_member), so every
member's change is recorded as it would be from the member's own page (moves in the membership
history, every save in the audit trail). All or nothing: one member the workflow refuses and
the transaction rolls back for all of them, and every refusal is reported with the member's name.
"""

from django.db import models, transaction
from django.utils.translation import gettext_lazy

from portal.core.bulk import each_or_none

from . import members as member_services
from . import posts as post_services

# Enough for a building group or a grid at once; more is an import's work.
MAX_SELECTED = 500


class BulkAction(models.TextChoices):
    LEAVE = "leave", gettext_lazy("Mark as left")
    MOVE = "move", gettext_lazy("Move to a unit")
    REPORT = "report", gettext_lazy("Report to a building group")
    EXPORT = "export", gettext_lazy("Export to Excel (masked)")


# Actions that change records (EDIT on every chosen member); the export only reads them.
CHANGES = (BulkAction.LEAVE, BulkAction.MOVE, BulkAction.REPORT)


def bulk_choices():
    return BulkAction.choices


def _each(members, change):
    return each_or_none(members, change, name=lambda member: member.name)


@transaction.atomic
def leave(*, members, reason, left_on, by):
    return len(member_services.leave(members=members, reason=reason, left_on=left_on, by=by))


@transaction.atomic
def move(*, members, to_unit, by, moved_on=None, to_outside_org="", note=""):
    return _each(
        members,
        lambda member: member_services.move_member(
            member=member, to_unit=to_unit, by=by, moved_on=moved_on, to_outside_org=to_outside_org, note=note
        ),
    )


@transaction.atomic
def report(*, members, building, by, reported_on=None):
    return _each(
        members,
        lambda member: post_services.report_member(member=member, building=building, by=by, reported_on=reported_on),
    )
