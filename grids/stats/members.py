"""The "members" section of /open/stats.json: counts only, never a name or a number of a person.
Members who left (转出, 出党, 去世) are not counted, nor their reports and claims. Their
organisational life as the number of meetings held (taken place with their attendance, and valid),
in all and per kind, in `year` when asked: no topic, place, host or attendance.

The figures are sums of the counts each unit keeps of its own records (services/unit_counts.py,
recomputed in the transaction of every write): one query whatever the number of members."""

from django.db.models import F
from django.db.models.functions import ExtractYear

from ..models import Category, Member, PostClaim, Report, ServicePost
from ..models.meetings import Meeting, MeetingKind
from ..services import unit_counts
from ..services.unit_counts import Group

unit_counts.register(
    Group(
        "members",
        Member.objects.current,
        "unit",
        follows={Member: ("pk", ("unit", "category", "left_reason"))},
        split={"member_category": F("category")},
    )
)
unit_counts.register(
    Group(
        "reported",
        Report.objects.current,
        "building",
        follows={Report: ("pk", ("building", "member")), Member: ("member", ("left_reason",))},
    )
)
unit_counts.register(Group("posts", ServicePost.objects.all, "unit", follows={ServicePost: ("pk", ("unit",))}))
unit_counts.register(
    Group(
        "posts_claimed",
        lambda: PostClaim.objects.filter(member__left_reason=""),
        "post__unit",
        follows={
            PostClaim: ("pk", ("post", "member")),
            ServicePost: ("post", ("unit",)),
            Member: ("member", ("left_reason",)),
        },
    )
)
unit_counts.register(
    Group(
        "meetings_held",
        lambda: Meeting.objects.filter(attendance_taken=True, valid=True),
        "unit",
        follows={Meeting: ("pk", ("unit", "kind", "starts_at", "attendance_taken", "valid"))},
        split={"held_year": ExtractYear("starts_at"), "held_kind": F("kind")},
    )
)
GROUPS = ("members", "reported", "posts", "posts_claimed", "meetings_held")


def members_section(unit=None, year=None, **params):
    kept = unit_counts.figures(GROUPS, unit)
    held = {}  # {kind: meetings}
    for key, n in kept["meetings_held"].items():
        held_year, kind = key.split(":")
        if year is None or held_year == str(year):
            held[kind] = held.get(kind, 0) + n
    by_category = {category.value: kept["members"].get(category.value, 0) for category in Category}
    return {
        "total": sum(by_category.values()),
        "by_category": by_category,
        "reported": kept["reported"].get("", 0),
        "posts": kept["posts"].get("", 0),
        "posts_claimed": kept["posts_claimed"].get("", 0),
        "organisational_life": {
            "meetings_held": sum(held.values()),
            "meetings_held_by_kind": {kind: held.get(kind, 0) for kind in MeetingKind.values},
        },
    }
