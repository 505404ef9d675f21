"""Service posts in bulk (issue 10, §3): one post for every building group under a unit, from a
pattern; and posts from Excel (grids.services.bulk_import)."""

from dataclasses import dataclass
from functools import cached_property

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import Level, PostKind, ServicePost, Unit
from ..scope import EDIT, scope_for
from .bulk_import import Importer, UnitFinder, allowed, choice_map, importer, words

PLACEHOLDER = "{楼栋}"
MAX_PLACES = 1000


@dataclass
class BulkPlan:
    new: list  # unsaved ServicePost
    existing: int  # building groups that already have a post of that name


def plan_posts(*, user, unit, pattern, kind, capacity, description=""):
    """The posts a pattern makes: one per building group under `unit` in the user's scope
    (EDIT), named by the pattern with {楼栋} replaced by the building group's name."""
    buildings = scope_for(user).filter(Unit.objects.under(unit), EDIT).filter(level=Level.BUILDING).order_by("path")
    names = {building.pk: pattern.replace(PLACEHOLDER, building.name)[:100] for building in buildings}
    taken = set(ServicePost.objects.filter(unit__in=list(names)).values_list("unit_id", "name").order_by())
    new = [
        ServicePost(unit=building, name=names[building.pk], kind=kind, capacity=capacity, description=description)
        for building in buildings
        if (building.pk, names[building.pk]) not in taken
    ]
    return BulkPlan(new=new, existing=len(names) - len(new))


@transaction.atomic
def create_posts(plan):
    """Write a plan: each post saved on its own, so that the audit trail records every one."""
    for post in plan.new:
        post.save()
    return len(plan.new)


@importer
class PostsImporter(Importer):
    name = "posts"
    label = gettext_lazy("Service posts")
    model = ServicePost
    COLUMNS = [
        ("unit", gettext_lazy("Unit (building group or community)"), True),
        ("name", pgettext_lazy("post", "Post name"), True),
        ("kind", gettext_lazy("Kind of post"), True),
        ("capacity", gettext_lazy("Places"), True),
        ("description", gettext_lazy("Description"), False),
    ]

    def __init__(self, *, user, unit):
        super().__init__(user=user, unit=unit)
        self.kinds = choice_map(PostKind)
        self.rows = {}

    # Built for the first row, not for the template (every building group of a district: 11,000
    # units at 10x, 3.9 s for a template of one example row).
    @cached_property
    def units(self):
        units = scope_for(self.user).filter(Unit.objects.under(self.unit), EDIT)
        return UnitFinder(units.filter(level__in=(Level.COMMUNITY, Level.BUILDING)))

    @cached_property
    def existing(self):
        posts = ServicePost.objects.filter(unit__path__startswith=self.unit.path).annotate(n=Count("claims"))
        return {(post.unit_id, post.name): post for post in posts}

    def read(self, cells, number):
        problems = []
        target, problem = self.units.find(cells.get("unit"))
        if problem or target is None:
            message = problem or _(
                "No building group or community with this name, path or code in the part of the tree you manage."
            )
            problems.append(("unit", message))
        name = words(cells.get("name"))
        if len(name) > 100:
            problems.append(("name", _("Too long: at most %(n)d characters.") % {"n": 100}))
        kind = self.kinds.get(words(cells.get("kind")).lower())
        if kind is None:
            problems.append(("kind", _("Not one of the allowed values: %(values)s.") % {"values": allowed(PostKind)}))
        raw = words(cells.get("capacity"))
        capacity = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 else None
        if capacity is None or not 1 <= capacity <= MAX_PLACES:
            problems.append(("capacity", _("Places: a whole number from 1 to %(n)d.") % {"n": MAX_PLACES}))
        description = words(cells.get("description"))[:1000]
        if problems:
            return None, problems
        key = (target.pk, name)
        if key in self.rows:
            return None, [("name", _("This post is on row %(row)d too.") % {"row": self.rows[key]})]
        post = self.existing.get(key)
        if post is not None and capacity < post.n:
            message = _("This post already has %(n)d claims: give at least as many places.") % {"n": post.n}
            return None, [("capacity", message)]
        self.rows[key] = number
        action = {"unit": target, "name": name, "kind": kind, "capacity": capacity, "description": description}
        action.update(post=post, show=[target.name, name, PostKind(kind).label, capacity])
        return action, []

    def write(self, actions):
        created = changed = 0
        for action in actions:
            post = action["post"] or ServicePost(unit=action["unit"], name=action["name"])
            values = (action["kind"], action["capacity"], action["description"])
            if post.pk and (post.kind, post.capacity, post.description) == values:
                continue
            post.kind, post.capacity, post.description = values
            created, changed = (created + 1, changed) if post.pk is None else (created, changed + 1)
            post.save()
        return created, changed

    def template_rows(self):
        return [["第1网格/1栋", "1栋垃圾分类督导岗", str(PostKind.WASTE_SORTING.label), 2, ""]]

    def instructions(self):
        return [
            _("Unit: a building group or the community, by path (such as 第1网格/1栋), name or code."),
            _("Kind of post: %(values)s.") % {"values": allowed(PostKind)},
            _("A post with the same name at the same unit is updated, not added again."),
        ]
