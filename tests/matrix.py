"""The permission matrix as data: what every staff route and every scoped admin model must answer.

tests/test_permissions.py reads the routes from the URL conf (every named route under staff/)
and the admin models from the admin site, and runs them against the world of
tests/factory_world.py (a marked record inside and one outside 华富街道 for every scoped
model). What it needs from here:

- ROUTES: one entry per route name. `get` and `post` are the role each method needs (VIEW,
  EDIT or MANAGE; `post=None`: the route answers POST with 405). `shows`: the models whose
  INSIDE marker the insider's page must show (a list that shows nothing of its own proves
  nothing by not showing an outside record); `more`: further query strings to try, with what
  they show (filters, the .xlsx export on a list URL). `unassigned`: what a user without any
  assignment gets on a route without a record. `get_to`: where a GET that redirects must go.
  `form`: how to submit the route's form (a Post), and where a successful submission leads.
- KEYWORDS: for each URL keyword, the record of one side of the world it names.
- ADMIN_NEEDS: the role a scoped admin model needs to be listed (default VIEW).

A route or an admin model without an entry, or a keyword without a maker, fails the matrix
with a message naming it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from centers.models import Center, Kind, Photo
from grids.models import (
    Assignment,
    AuditEntry,
    Demand,
    DemandHelper,
    DemandTransition,
    DuesAssessment,
    DuesPayment,
    Job,
    Meeting,
    Member,
    Notification,
    PersonalDataReveal,
    PostClaim,
    PostKind,
    RefusedRegistration,
    Report,
    Role,
    ServicePost,
    Transfer,
    Unit,
    UnitReport,
)
from grids.scope import EDIT, MANAGE, VIEW
from projects.models import (
    Activity,
    Certificate,
    Expenditure,
    FundCategory,
    FundLine,
    MicroCategory,
    MicroFunnelTotal,
    MicroProject,
    ProjectCategory,
    ServiceProject,
    Volunteer,
    VolunteerTeam,
)
from tests import factory_members as fm

# Outside names that are not markers but must not appear to 华富's staff either.
OUTSIDE_WORDS = ("莲花街道", "狮岭社区")


@dataclass(frozen=True)
class Post:
    """How to submit a route's form, as its page offers it, and where a success leads.

    change(world, side, record, data) -> fields set on top of what the page's form holds;
    done(world, side, record) -> the expected Location after a successful POST (None: the
    response itself is the result, status 200); source: the route whose page holds the form
    (default: the route itself); pick(world, side, record) -> {name: value} choosing among
    several forms; from_page=False posts `change` alone; outside(world) -> the fields of a create
    form pointing outside the scope, refused with status `refused` and nothing written;
    prepare(world, side, record) runs first, on either side (a deactivated account to reactivate).
    """

    done: object
    change: object = None
    source: str = None
    pick: object = None
    from_page: bool = True
    outside: object = None
    refused: int = 200
    prepare: object = None  # (world, side, record): put the record in the state the form acts on
    touches: tuple = ()  # models whose record of the side the POST changes though the URL names none


@dataclass(frozen=True)
class Route:
    get: str = VIEW
    post: str = None
    shows: tuple = ()
    more: tuple = ()  # ((query, shows), ...)
    unassigned: int = 403
    get_to: object = None  # (world, side, record) -> Location of a GET that redirects
    form: Post = None


def rec(model):
    return lambda world, side: side.records[model]


# URL keyword -> the record of a side it names. Unit keywords name the tree's community
# (梅岗社区 inside, 狮岭社区 outside), under which the marked records hang.
KEYWORDS = {
    "unit_pk": lambda world, side: side.community,
    "parent_pk": lambda world, side: side.community,
    "member_pk": rec(Member),
    "post_pk": rec(ServicePost),
    "claim_pk": rec(PostClaim),
    "account_pk": lambda world, side: side.records[Assignment].user,
    "assignment_pk": rec(Assignment),
    "project_pk": rec(ServiceProject),
    "team_pk": rec(VolunteerTeam),
    "volunteer_pk": rec(Volunteer),
    "certificate_pk": rec(Certificate),
    "activity_pk": rec(Activity),
    "micro_pk": lambda world, side: side.running_project,
    "expenditure_pk": rec(Expenditure),
    "fund_pk": rec(FundLine),
    "center_pk": rec(Center),
    "job_pk": rec(Job),
    "payment_pk": rec(DuesPayment),
    "meeting_pk": rec(Meeting),
    "transfer_pk": rec(Transfer),
    "report_pk": rec(UnitReport),
    "demand_pk": rec(Demand),
}

# URL keyword -> the model of the record it names (KEYWORDS makes one of each side; the staff
# benchmark, bench/staff_all.py, picks a real one in the scope; tests/test_permissions.py checks
# the two agree).
KEYWORD_MODELS = {
    "unit_pk": Unit,
    "parent_pk": Unit,
    "member_pk": Member,
    "post_pk": ServicePost,
    "claim_pk": PostClaim,
    "account_pk": get_user_model(),
    "assignment_pk": Assignment,
    "project_pk": ServiceProject,
    "team_pk": VolunteerTeam,
    "volunteer_pk": Volunteer,
    "certificate_pk": Certificate,
    "activity_pk": Activity,
    "micro_pk": MicroProject,
    "expenditure_pk": Expenditure,
    "fund_pk": FundLine,
    "center_pk": Center,
    "job_pk": Job,
    "payment_pk": DuesPayment,
    "meeting_pk": Meeting,
    "transfer_pk": Transfer,
    "report_pk": UnitReport,
    "demand_pk": Demand,
}

# A scoped admin model whose list needs more than VIEW.
ADMIN_NEEDS = {PersonalDataReveal: MANAGE, RefusedRegistration: MANAGE, AuditEntry: MANAGE}


def _today():
    return timezone.localdate()


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _latest_job(world, side, record):
    return reverse("job_detail", args=[Job.objects.latest("pk").pk])


def _to(name, *args):
    return lambda world, side, record: reverse(name, args=[arg(world, side, record) for arg in args])


def _lock(account):
    """Five failed logins for the account's username: django-axes has locked it."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username=account.username,
        ip_address="10.0.0.9",
        user_agent="matrix",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


def _png():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _pk(world, side, record):
    return record.pk


def _new(model, **lookup):
    """The pk of the record a create form just made (looked up by the values the form sent)."""
    return lambda world, side, record: model.objects.get(**lookup).pk


def _extra_row(prefix, **fields):
    """Fill the first empty form of a formset (the page renders INITIAL_FORMS rows, then extras)."""

    def change(world, side, record, data):
        index = int(data[f"{prefix}-INITIAL_FORMS"][0])
        return {f"{prefix}-{index}-{name}": value(world, side) for name, value in fields.items()}

    return change


def _import_file(unit_path):
    def change(world, side, record, data):
        row = fm.member_row(7, unit=unit_path, name="导入党员")
        return {"workbook": SimpleUploadedFile("members.xlsx", fm.workbook([row]))}

    return change


def _clean_preview(side, job):
    from django.core.files.base import ContentFile

    from grids.services.tree import attach_full_names

    grid = attach_full_names([side.grid])[0].full_name_text.replace(" / ", "/")
    job.kind, job.status = "members_preview", "done"
    job.input_file.save("members.xlsx", ContentFile(fm.workbook([fm.member_row(8, unit=grid, name="确认导入")])))


def _member_fields(world, side, record, data):
    id_card, mobile = fm.next_identity()
    return {
        "name": "新登记党员",
        "id_card": id_card,
        "mobile": mobile,
        "joined_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "status": "full",
        "category": "registered",
        "unit": side.grid.pk,
    }


def _transfer_in_fields(world, side, record, data):
    fields = {f"member-{name}": value for name, value in _member_fields(world, side, record, data).items()}
    fields["member-name"] = "转入党员"
    return fields | {
        "letter-outside_org": "广州市某区委组织部",
        "letter-letter_number": "穗组转〔2025〕3号",
        "letter-issued_on": _today().isoformat(),
    }


def _attend(world, side, record, data):
    signup = record.signups.get()
    return {f"s{signup.pk}-attended": "on", f"s{signup.pk}-hours": "2"}


def _activity_fields(world, side, record, data):
    starts = timezone.now() + timedelta(days=5)
    return {
        "title": "新活动",
        "address": "荔枝公园",
        "starts_at": _local(starts),
        "ends_at": _local(starts + timedelta(hours=2)),
        "signup_deadline": _local(starts - timedelta(days=1)),
        "capacity": "10",
    }


# One good row for each bulk import (tests/factory_bulk.py writes the workbook).
BULK_ROWS = {
    "units": [["矩阵网格", "网格", "", "", "", "", None, None]],
    "posts": [["11栋", "矩阵岗", "平安巡逻", 2, ""]],
    "reports": [["", "1", "", "11栋", None]],
    "claims": [["", "1", "", "1", None]],
}


def _bulk_file(name):
    def change(world, side, record, data):
        from tests import factory_bulk

        return {"workbook": factory_bulk.upload(name, BULK_ROWS[name])}

    return change


def _previewed(world, side, record):
    """The side's job made a preview of a units import that found no problem."""
    from tests import factory_bulk

    record.kind, record.status = "bulk_import", "done"
    record.params = {"importer": "units", "preview": True}
    record.input_file.save("units.xlsx", factory_bulk.upload("units", BULK_ROWS["units"]), save=False)
    record.save()


ROUTES = {
    "staff_home": Route(unassigned=200),
    # --- dashboards and reports (issue 12): figures only, so they show no marker
    "dashboard": Route(
        more=(({"period": "year"}, ()), ({"period": "range", "start": "2020-01-01", "end": _today}, ()))
    ),
    "dashboard_table": Route(
        more=(({"figure": "micro.spent", "sort": "-value"}, ()), ({"figure": "centers.coverage", "period": "year"}, ()))
    ),
    "dashboard_report": Route(more=(({"period": "year", "export": "xlsx"}, ()),)),
    # The records behind a figure under the unit: centers by default, then service projects.
    "dashboard_records": Route(
        shows=(Center,),
        more=(
            ({"figure": "volunteering.projects"}, (ServiceProject,)),
            ({"figure": "volunteering.volunteers"}, (Volunteer,)),
        ),
    ),
    # --- the tree
    "unit_list": Route(shows=(Unit,), unassigned=200),
    "unit_detail": Route(),
    "unit_edit": Route(
        get=EDIT, post=EDIT, form=Post(change=lambda w, s, r, d: {"name": "改名社区"}, done=_to("unit_detail", _pk))
    ),
    "unit_create": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"name": "新网格"},
            done=lambda w, s, r: reverse("unit_detail", args=[Unit.objects.get(parent=r, name="新网格").pk]),
        ),
    ),
    # --- members
    "member_list": Route(shows=(Member,)),
    "member_create": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=_member_fields,
            done=_to("member_detail", _new(Member, name="新登记党员")),
            outside=lambda w: {"unit": w.outside.grid.pk},
        ),
    ),
    "member_import": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=_import_file("福田区/华富街道/梅岗社区/第1网格"),
            # The import runs as a job: the page goes to it. An import into a unit outside the
            # scope is refused by the job (tests/test_jobs.py), after the job record was written.
            done=_latest_job,
        ),
    ),
    # The confirmation form is on the preview's job page: the world's job is made a clean
    # preview of a one-row roster, and confirming it starts the import job.
    "member_import_confirm": Route(
        get=EDIT,
        post=EDIT,
        get_to=_to("job_detail", _pk),
        form=Post(from_page=False, done=_latest_job, prepare=lambda w, s, r: _clean_preview(s, r)),
    ),
    "member_import_template": Route(),
    "member_export": Route(post=MANAGE, shows=(Member,), form=Post(from_page=False, done=None)),
    "member_detail": Route(),
    "member_edit": Route(
        get=EDIT, post=EDIT, form=Post(change=lambda w, s, r, d: {"name": "改名党员"}, done=_to("member_detail", _pk))
    ),
    "member_move": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"to_unit": s.building.pk, "note": "调动"}, done=_to("member_detail", _pk)),
    ),
    "member_reveal": Route(post=MANAGE, form=Post(from_page=False, done=None)),
    "member_leave": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"left_reason": "transferred_out", "left_on": _today().isoformat()},
            done=_to("member_detail", _pk),
        ),
    ),
    # The list's actions on ticked members: the POST moves the ticked member (confirmed); one of
    # another street is not a choice (400, nothing written).
    "member_bulk": Route(
        post=EDIT,
        form=Post(
            source="member_list",
            change=lambda w, s, r, d: {
                "action": "move",
                "members": [s.records[Member].pk],
                "confirm": "1",
                "to_unit": s.building.pk,
                "moved_on": _today().isoformat(),
            },
            done=lambda w, s, r: reverse("member_list"),
            outside=lambda w: {"members": [w.outside.records[Member].pk]},
            refused=400,
        ),
    ),
    # --- reporting and service posts
    "member_reporting": Route(shows=(Unit,)),
    "post_list": Route(shows=(ServicePost,)),
    "post_create": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"unit": s.building.pk, "kind": PostKind.CARE, "name": "新岗位", "capacity": "2"},
            done=_to("post_detail", _new(ServicePost, name="新岗位")),
            outside=lambda w: {"unit": w.outside.building.pk},
        ),
    ),
    "post_detail": Route(),
    "claim_release": Route(post=EDIT, form=Post(done=_to("post_detail", lambda w, s, r: r.post_id))),
    "member_report": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"building": s.building.pk}, done=_to("member_detail", _pk)),
    ),
    "member_claim": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"post": s.records[ServicePost].pk}, done=_to("member_detail", _pk)),
    ),
    # --- organisational life (三会一课 ...)
    "meeting_list": Route(shows=(Meeting,), more=(({"kind": "theme_day"}, (Meeting,)),)),
    "meeting_create": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {
                "unit": s.grid.pk,
                "kind": "theme_day",
                "starts_at": _local(timezone.now() + timedelta(days=3)),
                "place": "党群服务中心二楼会议室",
                "topic": "新主题党日",
                "host": "书记",
            },
            done=_to("meeting_detail", _new(Meeting, topic="新主题党日")),
            outside=lambda w: {"unit": w.outside.grid.pk},
        ),
    ),
    "meeting_compliance": Route(),
    "meeting_detail": Route(),
    "meeting_edit": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"minutes": "学习了党章。"}, done=_to("meeting_detail", _pk)),
    ),
    "meeting_attendance": Route(get=EDIT, post=EDIT, form=Post(done=_to("meeting_detail", _pk))),
    "meeting_attach": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"file": SimpleUploadedFile("会议.png", _png()), "caption": "会议照片"},
            done=_to("meeting_detail", _pk),
        ),
    ),
    "member_meetings": Route(),
    # --- a center's room booked for a meeting (centers: grids cannot name a room)
    "meeting_room": Route(get=EDIT, post=EDIT, form=Post(done=_to("meeting_detail", _pk))),
    "meeting_room_cancel": Route(get=EDIT, post=EDIT, form=Post(done=_to("meeting_detail", _pk))),
    # --- 组织关系转接 (membership transfers)
    "transfer_list": Route(shows=(Transfer,), more=(({"state": "issued"}, (Transfer,)),)),
    "transfer_in": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=_transfer_in_fields,
            done=_to("transfer_detail", _new(Transfer, letter_number="穗组转〔2025〕3号")),
            outside=lambda w: {"member-unit": w.outside.grid.pk},
        ),
    ),
    "transfer_detail": Route(),
    "transfer_accept": Route(post=EDIT, form=Post(done=_to("transfer_detail", _pk))),
    "transfer_return": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"reason": "信息有误"}, done=_to("transfer_detail", _pk)),
    ),
    "transfer_issue": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {
                "to_unit": f"{s.community.name}/{s.grid.name}/{s.building.name}",
                "letter_number": "新介绍信",
                "issued_on": _today().isoformat(),
            },
            done=_to("transfer_detail", _new(Transfer, letter_number="新介绍信")),
        ),
    ),
    # --- 党费 (membership dues)
    "dues_list": Route(shows=(DuesAssessment,), more=(({"arrears": "1"}, (DuesAssessment,)),)),
    "dues_statement": Route(shows=(DuesAssessment,)),
    "member_dues": Route(),
    "member_dues_assess": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"year": _today().year, "category": "working", "pay_base": "6000"},
            done=lambda w, s, r: f"{reverse('member_dues', args=[r.pk])}?year={_today().year}",
        ),
    ),
    "member_dues_pay": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {
                "year": _today().year - 1,
                "first_month": "2",
                "last_month": "3",
                "amount": "80.00",
            },
            done=lambda w, s, r: f"{reverse('member_dues', args=[r.pk])}?year={_today().year - 1}",
        ),
    ),
    "dues_payment_reverse": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"note": "记错了", "amount": str(r.amount)},
            done=lambda w, s, r: f"{reverse('member_dues', args=[r.member_id])}?year={r.year}",
        ),
    ),
    # --- staff accounts (管理员 only)
    "account_list": Route(get=MANAGE, shows=(Assignment,)),
    "account_create": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(
            change=lambda w, s, r, d: {
                "username": "new_staff",
                "full_name": "新同事",
                "unit": s.records[Unit].pk,
                "role": Role.STAFF,
                "password1": "Kq7#mZ2!pL9x",
                "password2": "Kq7#mZ2!pL9x",
            },
            done=lambda w, s, r: reverse(
                "account_detail", args=[Assignment.objects.get(user__username="new_staff").user_id]
            ),
            outside=lambda w: {"unit": w.outside.records[Unit].pk},
        ),
    ),
    "account_detail": Route(get=MANAGE),
    "account_edit": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(change=lambda w, s, r, d: {"full_name": "改名同事"}, done=_to("account_detail", _pk)),
    ),
    "account_password": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(
            change=lambda w, s, r, d: {"password1": "Vb4!tR8#nW2q", "password2": "Vb4!tR8#nW2q"},
            done=_to("account_detail", _pk),
        ),
    ),
    "account_deactivate": Route(get=MANAGE, post=MANAGE, form=Post(done=_to("account_detail", _pk))),
    "account_locked_list": Route(get=MANAGE),
    "audit_list": Route(
        get=MANAGE,
        shows=(AuditEntry,),
        more=(
            ({"kind": "export"}, (AuditEntry,)),
            ({"model": "grids.member", "start": _today, "end": _today}, ()),
            ({"export": "xlsx"}, (AuditEntry,)),
        ),
    ),
    "account_unlock": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(done=lambda w, s, r: reverse("account_locked_list"), prepare=lambda w, s, r: _lock(r)),
    ),
    "account_reactivate": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(
            done=_to("account_detail", _pk),
            prepare=lambda w, s, r: type(r).objects.filter(pk=r.pk).update(is_active=False),
        ),
    ),
    "assignment_add": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(
            change=lambda w, s, r, d: {"unit": s.records[Unit].pk, "role": Role.VIEWER},
            done=_to("account_detail", _pk),
        ),
    ),
    "assignment_remove": Route(
        get=MANAGE, post=MANAGE, form=Post(done=_to("account_detail", lambda w, s, r: s.records[Assignment].user_id))
    ),
    # --- service projects, teams, volunteers, activities
    "volunteer_staff_projects": Route(shows=(ServiceProject,), unassigned=200),
    "volunteer_staff_project_new": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"unit": s.community.pk, "title": "新项目", "category": ProjectCategory.CULTURE},
            done=_to("volunteer_staff_project", _new(ServiceProject, title="新项目")),
            outside=lambda w: {"unit": w.outside.community.pk},
        ),
    ),
    "volunteer_staff_project": Route(),
    "volunteer_staff_project_edit": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"title": "改名项目"}, done=_to("volunteer_staff_project", _pk)),
    ),
    "volunteer_staff_project_rate": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"stars": "5", "reason": "服务优秀"}, done=_to("volunteer_staff_project", _pk)
        ),
    ),
    "volunteer_staff_activity_new": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=_activity_fields,
            done=_to("volunteer_staff_activity", lambda w, s, r: r.activities.get(title="新活动").pk),
        ),
    ),
    "volunteer_staff_teams": Route(shows=(VolunteerTeam,), unassigned=200),
    "volunteer_staff_team_new": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"unit": s.community.pk, "name": "新服务队"},
            done=lambda w, s, r: reverse("volunteer_staff_teams"),
            outside=lambda w: {"unit": w.outside.community.pk},
        ),
    ),
    "volunteer_staff_team_edit": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"name": "改名服务队"}, done=lambda w, s, r: reverse("volunteer_staff_teams")
        ),
    ),
    "volunteer_staff_volunteers": Route(shows=(Volunteer,), unassigned=200),
    "volunteer_staff_volunteer_new": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"unit": s.community.pk, "name": "新志愿者", "mobile": "13700137000"},
            done=_to("volunteer_staff_volunteer", _new(Volunteer, name="新志愿者")),
            outside=lambda w: {"unit": w.outside.community.pk},
        ),
    ),
    "volunteer_staff_volunteer": Route(),
    "volunteer_staff_volunteer_edit": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"name": "改名志愿者"}, done=_to("volunteer_staff_volunteer", _pk)),
    ),
    "volunteer_staff_certificate_new": Route(
        get=EDIT,
        post=EDIT,
        form=Post(done=_to("volunteer_staff_certificate", lambda w, s, r: r.certificates.latest("pk").pk)),
    ),
    "volunteer_staff_certificate": Route(),
    "volunteer_staff_hours_export": Route(
        more=(({"start": lambda: _today().replace(month=1, day=1), "end": _today}, (Volunteer,)),)
    ),
    "volunteer_staff_activities": Route(shows=(Activity,), unassigned=200, more=(({"when": "past"}, ()),)),
    "volunteer_staff_activity": Route(),
    "volunteer_staff_activity_edit": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"title": "改名活动"}, done=_to("volunteer_staff_activity", _pk)),
    ),
    "volunteer_staff_attendance": Route(
        get=EDIT, post=EDIT, form=Post(change=_attend, done=_to("volunteer_staff_activity", _pk))
    ),
    # --- 民生微实事
    "micro_staff_queue": Route(shows=(MicroProject,), unassigned=200),
    "micro_staff_list": Route(shows=(MicroProject,), unassigned=200, more=(({"export": "xlsx"}, (MicroProject,)),)),
    "micro_staff_new": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {
                "community": s.community.pk,
                "title": "新提案",
                "description": "小区门口路灯不亮。",
                "category": MicroCategory.WORKS,
                "requested_amount": "30000",
                "proposer_kind": "staff",
            },
            done=_to("micro_staff_detail", _new(MicroProject, title="新提案")),
            outside=lambda w: {"community": w.outside.community.pk},
        ),
    ),
    "micro_staff_detail": Route(),
    "micro_staff_transition": Route(
        get=EDIT,
        post=EDIT,
        get_to=_to("micro_staff_detail", _pk),
        form=Post(
            source="micro_staff_detail",
            pick=lambda w, s, r: {"action": "milestone"},
            change=lambda w, s, r, d: {
                "milestone-date": _today().isoformat(),
                "milestone-title": "完成一半",
                "milestone-progress": "50",
            },
            done=_to("micro_staff_detail", _pk),
        ),
    ),
    "micro_staff_funnel": Route(
        unassigned=200,
        more=(
            ({"by": "community"}, (MicroFunnelTotal,)),
            ({"export": "xlsx"}, ()),
            ({"by": "community", "export": "xlsx"}, (MicroFunnelTotal,)),
        ),
    ),
    "micro_staff_reverse": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"amount": str(r.amount), "reason": "金额录错"},
            done=_to("micro_staff_spending", lambda w, s, r: r.project_id),
        ),
    ),
    "micro_staff_spending": Route(
        post=EDIT,
        form=Post(
            pick=lambda w, s, r: {"kind": "spend"},
            change=lambda w, s, r, d: {
                "spend-amount": "100",
                "spend-date": _today().isoformat(),
                "spend-payee": "某某五金店",
            },
            done=_to("micro_staff_spending", _pk),
        ),
    ),
    "micro_staff_funds": Route(shows=(FundLine,), unassigned=200),
    "micro_staff_fund": Route(shows=(FundLine,)),
    "micro_staff_fund_new": Route(
        get=MANAGE,
        post=MANAGE,
        form=Post(
            change=lambda w, s, r, d: {
                "unit": s.community.pk,
                "category": FundCategory.PARTY_CARE,
                "year": str(_today().year),
                "amount": "20000",
            },
            done=lambda w, s, r: reverse("micro_staff_funds"),
            outside=lambda w: {"unit": w.outside.community.pk},
        ),
    ),
    # --- service centers
    "staff_center_list": Route(shows=(Center,)),
    "staff_center_create": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {
                "name": "新中心",
                "kind": Kind.COMMUNITY,
                "owner": s.community.pk,
                "address": "深圳市福田区新路1号",
                "latitude": "22.55",
                "longitude": "114.08",
            },
            done=_to("staff_center_edit", _new(Center, name="新中心")),
            outside=lambda w: {"owner": w.outside.community.pk},
        ),
    ),
    "staff_center_detail": Route(),
    "staff_center_edit": Route(
        get=EDIT,
        post=EDIT,
        form=Post(change=lambda w, s, r, d: {"name": "改名中心"}, done=_to("staff_center_detail", _pk)),
    ),
    "staff_center_photos": Route(
        get=EDIT,
        post=EDIT,
        form=Post(pick=lambda w, s, r: {"delete": s.records[Photo].pk}, done=_to("staff_center_photos", _pk)),
    ),
    "staff_center_closures": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=_extra_row(
                "closures",
                date=lambda w, s: (_today() + timedelta(days=60)).isoformat(),
                reason=lambda w, s: "消防检查",
            ),
            done=_to("staff_center_detail", _pk),
        ),
    ),
    "staff_center_rooms": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=_extra_row("rooms", kind=lambda w, s: "reading", name=lambda w, s: "阅览室", area=lambda w, s: "30"),
            done=_to("staff_center_detail", _pk),
        ),
    ),
    "staff_center_office_rule": Route(shows=(Center,)),
    "staff_center_coverage": Route(post=VIEW, form=Post(done=_latest_job)),
    # --- background jobs
    "job_list": Route(shows=(Job,)),
    "job_detail": Route(shows=(Job,)),
    "job_progress": Route(),
    "report_list": Route(shows=(UnitReport,)),
    "report_download": Route(shows=(UnitReport,)),
    "job_result": Route(),
    # --- bulk work along the tree: imports with a preview (a job), templates, export, posts from a pattern
    **{
        f"{name}_import": Route(get=EDIT, post=EDIT, form=Post(change=_bulk_file(name), done=_latest_job))
        for name in BULK_ROWS
    },
    **{f"{name}_import_template": Route() for name in BULK_ROWS},
    "bulk_import_confirm": Route(post=EDIT, form=Post(prepare=_previewed, done=_latest_job)),
    "units_export": Route(),
    "posts_bulk": Route(
        get=EDIT,
        post=EDIT,
        form=Post(
            change=lambda w, s, r, d: {"pattern": "{楼栋}矩阵岗", "kind": "care", "capacity": "2", "confirmed": "True"},
            done=_to("post_list"),
        ),
    ),
    # --- residents' demands
    "demand_queue": Route(
        shows=(Demand,), more=(({"view": "overdue"}, ()), ({"view": "done"}, ()), ({"source": "online"}, (Demand,)))
    ),
    "demand_staff_detail": Route(shows=(Demand, DemandTransition, DemandHelper)),
    "demand_rates": Route(
        more=(({"by": "category"}, ()), ({"export": "xlsx"}, ()), ({"start": "2020-01-01", "by": "unit"}, ()))
    ),
    "demand_hanging_board": Route(shows=(Demand,)),
    "demand_hours_below": Route(shows=(Report,), more=(({"year": "2020"}, (Report,)),)),
    # Its POST marks the user's own notifications read: no record of the tree changes (tested in
    # tests/test_demands_staff.py).
    "notification_list": Route(
        shows=(Notification,),
        post=VIEW,
        unassigned=200,
        form=Post(done=lambda w, s, r: reverse("notification_list"), touches=(Notification,)),
    ),
    "notification_count": Route(unassigned=200),
    "demand_act": Route(
        get=EDIT,
        post=EDIT,
        get_to=_to("demand_staff_detail", _pk),
        form=Post(
            source="demand_staff_detail",
            pick=lambda w, s, r: {"step": "note"},
            change=lambda w, s, r, d: {"note-note": "已电话联系居民"},
            done=_to("demand_staff_detail", _pk),
        ),
    ),
    # The queue's actions on ticked demands: the POST transfers the ticked demand to the side's
    # grid (confirmed); one of another street is not a choice (400, nothing written).
    "demand_bulk": Route(
        post=EDIT,
        form=Post(
            source="demand_queue",
            change=lambda w, s, r, d: {
                "action": "transfer",
                "demands": [s.records[Demand].pk],
                "confirm": "1",
                "to_unit": s.grid.pk,
                "reason": "归口网格办理",
            },
            done=lambda w, s, r: reverse("demand_queue"),
            outside=lambda w: {"demands": [w.outside.records[Demand].pk]},
            refused=400,
        ),
    ),
    # --- pickers' scoped searches (portal/pickers.py)
    "pick_units": Route(shows=(Unit,)),
    "pick_members": Route(shows=(Member,)),
    "pick_volunteers": Route(shows=(Volunteer,)),
    "pick_centers": Route(shows=(Center,)),
    "pick_teams": Route(shows=(VolunteerTeam,)),
    "pick_posts": Route(shows=(ServicePost,)),
}


def url_patterns():
    """(name, route, keyword names) for every named route of the URL conf, the admin's aside."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((pattern.name, route, sorted(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def staff_patterns():
    """(name, route, keyword names) for every named route under staff/."""
    return [(name, route, keys) for name, route, keys in url_patterns() if route.startswith("staff/")]


def scoped_admin_models():
    from grids.admin.base import ScopedAdmin

    return [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ScopedAdmin)]


def query(params):
    """A `more` query with its date values computed now (so the matrix holds no stale dates)."""
    return {key: (value() if callable(value) else value) for key, value in params.items()}
