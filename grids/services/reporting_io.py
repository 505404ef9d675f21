"""Reports (报到) and post claims (认领) from Excel (issue 10, §3), through grids.services.bulk_import.

A member is named by their ID-card number or the record key (记录编号) of an export; a building
group by its path, name or code; a post by its number (岗位编号) or its name (with the unit's path
where two units have a post of that name). Only records under the unit imported into and in the
importer's scope are found: anything else gets the same neutral answer as a record that does not
exist, so an import cannot probe the rest of the tree.
"""

from collections import Counter
from datetime import date
from functools import cached_property

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.core import personal_store

from ..models import Category, Level, Member, PostClaim, Report, ServicePost, Unit
from ..scope import EDIT, scope_for
from . import members as member_services
from . import unit_counts
from .bulk_import import Importer, RowProblem, UnitFinder, importer, words
from .members_cells import cell_date
from .tree import attach_full_names

NO_MEMBER = gettext_lazy("No member with this number in the part of the tree you manage.")


class MemberFinder:
    """The members under the unit in the importer's scope, by ID-card fingerprint and record key."""

    def __init__(self, user, unit):
        # Members who left (转出, 出党, 去世) are found neither.
        members = scope_for(user).filter(Member.objects.under(unit).filter(left_reason=""), EDIT)
        self.by_pk, self.by_hash = {}, {}
        for member in members.only("pk", "name", "category", "id_card_hash"):
            self.by_pk[member.pk] = member
            self.by_hash[member.id_card_hash] = member

    def find(self, cells):
        """(member or None, [(column key, message)])."""
        key, id_card = words(cells.get("record_key")), words(cells.get("id_card")).upper()
        if not key and not id_card:
            return None, [("id_card", _("Give the ID-card number or the record key."))]
        if key:
            member = self.by_pk.get(int(key)) if key.isascii() and key.isdigit() and len(key) < 12 else None
            return (member, []) if member else (None, [("record_key", NO_MEMBER)])
        if isinstance(cells.get("id_card"), int | float):
            return None, [("id_card", _("The ID-card number was stored as a number: format the column as text."))]
        number, problems = member_services.check_identity(id_card=id_card)
        if problems:
            return None, [("id_card", message) for message in problems.values()]
        for digest in personal_store.fingerprints(number):
            if digest in self.by_hash:
                return self.by_hash[digest], []
        return None, [("id_card", NO_MEMBER)]


def _member_columns():
    return [
        ("id_card", gettext_lazy("ID-card number"), False),
        ("record_key", gettext_lazy("Record key"), False),
        ("name", pgettext_lazy("person", "Name"), False),
    ]


def _check_name(member, cells):
    name = words(cells.get("name")).replace(" ", "")
    if name and name != member.name:
        return [("name", _("The member with this number is called %(name)s.") % {"name": member.name})]
    return []


def _day(cells, key, problems):
    try:
        return cell_date(cells.get(key)) or date.today()
    except (ValueError, OverflowError):
        problems.append((key, _("Not a date: write it as 2001-07-01.")))
        return None


class MemberRowsImporter(Importer):
    """Rows that name a member first (ID-card number as text, record key, name to check)."""

    TEXT_INDEXES = (0,)

    def __init__(self, *, user, unit):
        super().__init__(user=user, unit=unit)
        self.rows = {}

    # The finders read every member (or building group, post) under the unit: built for the first
    # row read, never for the template, which names none (at ten times a district, 131 s and 812 MB).
    @cached_property
    def members(self):
        return MemberFinder(self.user, self.unit)


@importer
class ReportsImporter(MemberRowsImporter):
    name = "reports"
    label = gettext_lazy("Reports to building groups")
    model = Report
    COLUMNS = [
        *_member_columns(),
        ("building", gettext_lazy("Building group reported to"), True),
        ("reported_on", gettext_lazy("Date reported"), False),
    ]

    @cached_property
    def buildings(self):
        units = scope_for(self.user).filter(Unit.objects.under(self.unit), EDIT).filter(level=Level.BUILDING)
        return UnitFinder(units)

    def read(self, cells, number):
        member, problems = self.members.find(cells)
        if member:
            problems += _check_name(member, cells)
            if member.category != Category.IN_SERVICE:
                problems.append(("id_card", _("Only in-service members report to a building group.")))
            elif member.pk in self.rows:
                problems.append(("id_card", _("This member is on row %(row)d too.") % {"row": self.rows[member.pk]}))
        building, problem = self.buildings.find(cells.get("building"))
        if problem or building is None:
            message = problem or _("No building group with this name, path or code in the part of the tree you manage.")
            problems.append(("building", message))
        day = _day(cells, "reported_on", problems)
        if problems:
            return None, problems
        self.rows[member.pk] = number
        return {"member": member, "building": building, "day": day, "show": [member.name, building.name, day]}, []

    def write(self, actions):
        existing = {r.member_id: r for r in Report.objects.filter(member__in=[a["member"] for a in actions])}
        new, changed = [], []
        for action in actions:
            report = existing.get(action["member"].pk)
            if report is None:
                new.append(Report(member=action["member"], building=action["building"], reported_on=action["day"]))
                new[-1].recorded_by = self.user
            elif report.building_id != action["building"].pk or report.reported_on != action["day"]:
                report.building, report.reported_on, report.recorded_by = action["building"], action["day"], self.user
                changed.append(report)
        moved_from = set(Report.objects.filter(pk__in=[r.pk for r in changed]).values_list("building_id", flat=True))
        Report.objects.bulk_create(new, batch_size=1000)
        Report.objects.bulk_update(changed, ["building", "reported_on", "recorded_by"], batch_size=1000)
        # Bulk writes send no signal: the buildings' kept counts of reports are recomputed here.
        unit_counts.refresh(["reported"], moved_from | {r.building_id for r in [*new, *changed]})
        return len(new), len(changed)

    def instructions(self):
        return [
            _("Name the member by ID-card number or by the record key of a member export."),
            _("The building group by its path (such as 第1网格/1栋), its name if unique, or its code."),
            _("A member already reported elsewhere is reported to the new building group."),
        ]


class PostFinder(UnitFinder):
    def __init__(self, posts):
        self.keys, self.ambiguous = {}, set()
        posts = list(posts.select_related("unit"))
        attach_full_names([post.unit for post in posts])
        for post in posts:
            self.add(post, post.unit.full_name_text.split(" / ") + [post.name])
            self.keys[str(post.pk)] = post


@importer
class ClaimsImporter(MemberRowsImporter):
    name = "claims"
    label = gettext_lazy("Post claims")
    model = PostClaim
    COLUMNS = [
        *_member_columns(),
        ("post", gettext_lazy("Post (number, or unit/name)"), True),
        ("claimed_on", gettext_lazy("Date claimed"), False),
    ]

    def __init__(self, *, user, unit):
        super().__init__(user=user, unit=unit)
        self.added = Counter()

    @cached_property
    def _scoped_posts(self):
        return scope_for(self.user).filter(ServicePost.objects.filter(unit__path__startswith=self.unit.path), EDIT)

    @cached_property
    def posts(self):
        return PostFinder(self._scoped_posts)

    @cached_property
    def taken(self):
        return dict(self._scoped_posts.annotate(n=Count("claims")).values_list("pk", "n"))

    @cached_property
    def claimed(self):
        return set(PostClaim.objects.filter(post__in=self._scoped_posts).values_list("post_id", "member_id"))

    def read(self, cells, number):
        member, problems = self.members.find(cells)
        if member:
            problems += _check_name(member, cells)
        post, problem = self.posts.find(cells.get("post"))
        if problem or post is None:
            problems.append(
                ("post", problem or _("No post with this number or name in the part of the tree you manage."))
            )
        day = _day(cells, "claimed_on", problems)
        if not problems:
            pair = (post.pk, member.pk)
            if pair in self.claimed:
                problems.append(("post", _("This member has already claimed this post.")))
            elif pair in self.rows:
                problems.append(("post", _("The same claim is on row %(row)d too.") % {"row": self.rows[pair]}))
            elif self.taken.get(post.pk, 0) + self.added[post.pk] >= post.capacity:
                problems.append(("post", _("This post is full: all %(n)d places are taken.") % {"n": post.capacity}))
        if problems:
            return None, problems
        self.rows[pair] = number
        self.added[post.pk] += 1
        return {"member": member, "post": post, "day": day, "row": number, "show": [member.name, post.name, day]}, []

    def write(self, actions):
        # The posts are locked while their places are counted again: a claim made on a page
        # since the preview cannot be overbooked by the import.
        posts = {
            p.pk: p for p in ServicePost.objects.select_for_update().filter(pk__in={a["post"].pk for a in actions})
        }
        taken = Counter(
            dict(
                PostClaim.objects.filter(post__in=posts).values("post").annotate(n=Count("pk")).values_list("post", "n")
            )
        )
        claims = []
        for action in actions:
            post = posts[action["post"].pk]
            taken[post.pk] += 1
            if taken[post.pk] > post.capacity:
                raise RowProblem(
                    action["row"], "post", _("This post is full: all %(n)d places are taken.") % {"n": post.capacity}
                )
            claims.append(
                PostClaim(post=post, member=action["member"], claimed_on=action["day"], recorded_by=self.user)
            )
        PostClaim.objects.bulk_create(claims, batch_size=1000)
        unit_counts.refresh(["posts_claimed"], {post.unit_id for post in posts.values()})  # no signal either
        return len(claims), 0

    def instructions(self):
        return [
            _("Name the member by ID-card number or by the record key of a member export."),
            _("The post by its number on the posts page, or by its name (with its unit, such as 1栋/垃圾分类督导岗)."),
        ]
