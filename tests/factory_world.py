"""The permission matrix's world: for every scoped model, one record inside and one outside the
scope of 华富街道's staff (tests/factory.py's tree), each carrying a marker text.

Inside records hang under 华富街道 (梅岗社区, its 第1网格 and 11栋), outside records are their
mirror under 莲花街道 (狮岭社区 ...). A record's marker ("内标记_Member_" inside,
"外标记_Member_" outside) sits in the text its lists and exports show: a name or title, or,
for a record whose list shows only what it points at (a move, a claim, a reveal, a service
record, a certificate), the name of the member or volunteer it points at, made for it alone.
Every marker ends in "_", so none is part of another ("外标记_Member_" is not in
"外标记_MemberMove_"). A page that leaked an outside record would show its marker.

OpeningInterval and ProjectCap have no text at all (see MARKERLESS); ProjectCap cannot lie
inside a street (caps are set by a district), see NO_INSIDE.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from centers.models import Center, Closure, OpeningInterval, Photo, Room, RoomBooking, RoomKind
from grids.models import (
    Assignment,
    Attendance,
    AuditEntry,
    AuditKind,
    Category,
    Demand,
    DemandCategory,
    DemandHelper,
    DemandHoursRule,
    DemandPhoto,
    DemandTransition,
    DuesAssessment,
    DuesPayment,
    Job,
    JobStatus,
    Level,
    Meeting,
    MeetingAction,
    MeetingAttachment,
    MeetingEvent,
    MeetingRule,
    Member,
    MemberMove,
    Notification,
    PersonalDataReveal,
    PostClaim,
    RefusedRegistration,
    Report,
    ReportKind,
    Role,
    ServicePost,
    Transfer,
    TransferEvent,
    TransferRule,
    Unit,
    UnitReport,
)
from grids.services import audit as audit_services
from grids.services import demands as demand_services
from grids.services import dues as dues_services
from grids.services import transfers as transfer_services
from portal.core.exports import rows_to_xlsx
from projects.models import (
    Activity,
    Certificate,
    Expenditure,
    FundCategory,
    FundLine,
    MicroCategory,
    MicroFunnelTotal,
    MicroProject,
    MicroTransition,
    Milestone,
    ProjectCap,
    ServiceHoursTotal,
    ServiceProject,
    ServiceRecord,
    Signup,
    SocialInvestment,
    StarRating,
    Volunteer,
    VolunteerTeam,
)
from projects.services import micro as micro_services
from tests import factory_demands as fd
from tests import factory_members as fm
from tests import factory_volunteer as fv
from tests.factory import make_unit, make_user
from tests.factory_centers import make_center

MARKERLESS = {
    OpeningInterval: "weekday and times only; shown only on its center's pages",
    ProjectCap: "district, year, category and amount only",
    MeetingRule: "district, kind and frequency only",
    TransferRule: "district and a number of months only",
    DemandPhoto: "an image and its stage only",
    DemandHoursRule: "district and a number of hours only",
    ServiceHoursTotal: "project, month and hours only; read only by the dashboards' ranking of projects",
    RoomBooking: "a room, a meeting and two times only",
}
NO_INSIDE = {
    ProjectCap: "caps are set by a district, above every street: no cap lies inside 华富街道",
    MeetingRule: "meeting frequencies are set by a district, above every street",
    TransferRule: "letter validity is set by a district, above every street",
    DemandCategory: "categories belong to a district, above every street",
    DemandHoursRule: "the yearly 实事 hours are set by a district, above every street",
}


def marker(model, inside):
    return f"{'内' if inside else '外'}标记_{model.__name__}_"


@dataclass
class Side:
    """The records of one side (inside or outside), by model, and the units they hang on."""

    inside: bool
    street: Unit
    community: Unit
    grid: Unit
    building: Unit
    records: dict = field(default_factory=dict)
    # A micro-project in implementation (the marked MicroProject waits in the review queue):
    # spending, milestones and the transition log hang on this one.
    running_project: MicroProject = None

    def mark(self, model):
        return marker(model, self.inside)


@dataclass
class World:
    inside: Side
    outside: Side
    # 管理员 of 华富街道: the insider of the pages that need the 管理员 role.
    huafu_admin: object

    def side(self, inside):
        return self.inside if inside else self.outside

    def markers(self, inside):
        return [marker(model, inside) for model in scoped_models() if model not in MARKERLESS]


def scoped_models():
    """Every model of the portal that declares its path to the tree."""
    from django.apps import apps

    return [
        model
        for label in ("grids", "centers", "projects")
        for model in apps.get_app_config(label).get_models()
        if getattr(model, "scope_via", None) is not None
    ]


def make_world(tree):
    inside = Side(True, tree.street1, tree.community1, tree.grid1, tree.building1)
    outside = Side(False, tree.street2, tree.community2, tree.grid2, tree.building2)
    for side in (inside, outside):
        _build(side, tree)
    # Caps belong to the district: the 福田区 cap is outside every street's scope.
    outside.records[TransferRule] = TransferRule.objects.create(district=tree.district, validity_months=3)
    outside.records[DemandHoursRule] = DemandHoursRule.objects.create(district=tree.district, yearly_hours=20)
    outside.records[MeetingRule] = MeetingRule.objects.create(
        district=tree.district, kind="lecture", frequency="yearly"
    )
    outside.records[ProjectCap] = ProjectCap.objects.create(
        district=tree.district, year=timezone.localdate().year, category=MicroCategory.SERVICES, max_amount="200000.00"
    )
    # Demand categories belong to a district: the marked one to another district than the tree's.
    outside.records[DemandCategory] = fd.category(make_unit(Level.DISTRICT, "罗湖区"), marker(DemandCategory, False))
    return World(inside, outside, huafu_admin=make_user("huafu_admin", tree.street1, Role.ADMIN))


def _build(side, tree):
    r, mark = side.records, side.mark
    now, today = timezone.now(), timezone.localdate()

    r[Unit] = make_unit(Level.COMMUNITY, mark(Unit), side.street)

    account = make_user(mark(Assignment), side.community, Role.STAFF, first_name=mark(Assignment))
    r[Assignment] = Assignment.objects.get(user=account)
    # A second assignment, so that removing one is allowed (an account keeps at least one).
    Assignment.objects.create(user=account, unit=side.grid, role=Role.STAFF)

    # In service, so that a report to a building group can be recorded for it.
    r[Member] = fm.make_member(side.grid, mark(Member), category=Category.IN_SERVICE)
    moved = fm.make_member(side.grid, mark(MemberMove))
    r[MemberMove] = fm.make_move(moved, side.building)
    r[PersonalDataReveal] = fm.make_reveal(fm.make_member(side.grid, mark(PersonalDataReveal)))
    # A refused registration shows who tried: the marker is that account's username.
    prober = get_user_model().objects.create_user(mark(RefusedRegistration))
    r[RefusedRegistration] = fm.make_refusal(side.grid, user=prober)
    reporting = fm.make_member(side.grid, mark(Report), category=Category.IN_SERVICE)
    r[Report] = fm.make_report(reporting, side.building)
    r[ServicePost] = fm.make_post(side.building, mark(ServicePost), capacity=3)
    r[PostClaim] = fm.make_claim(r[ServicePost], fm.make_member(side.grid, mark(PostClaim)))

    # 党费: the marked member owes last year's dues (the payment form acts on them, the assessment
    # form sets this year's); the marked
    # assessment and payment name members made for them alone.
    dues_services.assess(member=r[Member], year=today.year - 1, category="working", pay_base="4000", by=None)
    r[DuesAssessment] = dues_services.assess(
        member=fm.make_member(side.grid, mark(DuesAssessment)),
        year=today.year,
        category="retired",
        pay_base="3000",
        by=None,
    )
    paying = fm.make_member(side.grid, mark(DuesPayment))
    dues_services.assess(member=paying, year=today.year, category="working", pay_base="2000", by=None)
    r[DuesPayment] = dues_services.record_payment(
        member=paying,
        year=today.year,
        first_month=1,
        last_month=1,
        amount=Decimal("10.00"),
        method="cash",
        paid_on=today,
        by=None,
    )

    # Organisational life: a theme day of the grid branch held yesterday (attendance can be taken).
    meeting = r[Meeting] = Meeting.objects.create(
        unit=side.grid,
        kind="theme_day",
        starts_at=now - timedelta(days=1),
        place="党群服务中心",
        topic=mark(Meeting),
        host="书记",
    )
    r[Attendance] = Attendance.objects.create(
        meeting=meeting, member=fm.make_member(side.grid, mark(Attendance)), presence="present", voting=True
    )
    r[MeetingEvent] = MeetingEvent.log(meeting=meeting, action=MeetingAction.PLANNED, detail=mark(MeetingEvent))
    r[MeetingAttachment] = MeetingAttachment.objects.create(
        meeting=meeting, file=f"meetings/{meeting.pk}.jpg", caption=mark(MeetingAttachment)
    )

    # A letter in flight from the grid branch to the building group, named by its member.
    r[Transfer] = transfer_services.issue_out(
        member=fm.make_member(side.grid, mark(Transfer)),
        to_unit=side.building,
        letter_number=f"转{mark(Transfer)}",
        issued_on=today,
        by=None,
    )

    r[TransferEvent] = r[Transfer].events.get()
    r[TransferEvent].detail = mark(TransferEvent)
    r[TransferEvent].save(update_fields=["detail"])

    r[Job] = Job.objects.create(
        kind="export", title=mark(Job), unit=side.community, status=JobStatus.DONE, finished_at=now
    )
    r[UnitReport] = _kept_report(side, mark(UnitReport), today)
    # The job's result file (an export), downloaded from the job's page.
    r[Job].result_file.save("export.xlsx", ContentFile(rows_to_xlsx("x.xlsx", "x", [[mark(Job)]]).content))
    center = r[Center] = make_center(side.community, mark(Center))
    r[OpeningInterval] = center.intervals.first()
    # Half of the function-room area is office space: listed on the 10% office-rule page.
    r[Room] = Room.objects.create(center=center, kind=RoomKind.OFFICE, name=mark(Room), area=Decimal("50.0"))
    meeting_room = Room.objects.create(center=center, kind=RoomKind.MEETING, name="会议室", area=Decimal("50.0"))
    # The marked meeting (yesterday) held in the center's meeting room.
    r[RoomBooking] = RoomBooking.objects.create(
        room=meeting_room, meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.starts_at + timedelta(hours=2)
    )
    r[Closure] = Closure.objects.create(center=center, date=today + timedelta(days=30), reason=mark(Closure))
    r[Photo] = Photo.objects.create(
        center=center,
        image=f"centers/{center.pk}/p.jpg",
        thumbnail=f"centers/{center.pk}/p-thumb.jpg",
        caption=mark(Photo),
    )

    project = r[ServiceProject] = fv.make_project(side.community, mark(ServiceProject))
    r[StarRating] = project.ratings.create(stars=4, reason=mark(StarRating))
    r[VolunteerTeam] = fv.make_team(side.community, mark(VolunteerTeam))
    volunteer = r[Volunteer] = fv.make_volunteer(side.community, mark(Volunteer))
    # Under way: started, so hours may be recorded, and still in the list of current activities;
    # started today (Asia/Shanghai), so its hours count in this year's certificate.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = max(now - timedelta(hours=1), midnight)
    activity = r[Activity] = Activity.objects.create(
        project=project,
        title=mark(Activity),
        address=f"{side.community.name}党群服务中心",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        signup_deadline=starts - timedelta(hours=1),
        capacity=10,
    )
    r[Signup] = fv.make_signup(activity, name=mark(Signup))
    r[ServiceRecord] = fv.make_record(activity, fv.make_volunteer(side.community, mark(ServiceRecord)), "1.00")
    fv.make_record(activity, volunteer, "1.00")  # hours to certify for the marked volunteer
    r[ServiceHoursTotal] = ServiceHoursTotal.objects.get(project=project)  # kept by the records above
    certified = fv.make_volunteer(side.community, mark(Certificate))
    fv.make_record(activity, certified, "1.00")
    r[Certificate] = fv.make_certificate(certified, "1.00")

    # The marked fund line has a community of its own, whose name is what the list shows.
    budget_holder = make_unit(Level.COMMUNITY, mark(FundLine), side.street)
    r[FundLine] = FundLine.objects.create(
        unit=budget_holder,
        year=today.year,
        category=FundCategory.MICRO,
        amount=Decimal("100000.00"),
        note=mark(FundLine),
    )
    r[MicroProject] = micro_services.propose(
        community=side.community,
        title=mark(MicroProject),
        description="楼道照明改造",
        category=MicroCategory.WORKS,
        requested_amount=Decimal("50000.00"),
        proposer_name="张三",
        proposer_mobile="13800138000",
    )
    # The marked funnel total is that of a community of its own, whose name the funnel shows.
    counted = make_unit(Level.COMMUNITY, mark(MicroFunnelTotal), side.street)
    micro_services.propose(
        community=counted,
        title="加装扶手",
        description="楼梯无扶手。",
        category=MicroCategory.WORKS,
        requested_amount=Decimal("20000.00"),
        proposer_name="王五",
        proposer_mobile="13700137000",
    )
    r[MicroFunnelTotal] = MicroFunnelTotal.objects.get(community=counted, status="proposed")
    side.running_project = _running_project(side, today)
    running = side.running_project
    r[MicroTransition] = running.transitions.get(to_status="in_progress")
    r[Milestone] = Milestone.objects.create(project=running, date=today, title=mark(Milestone), progress=30)
    r[Expenditure] = Expenditure.objects.create(project=running, amount="1000.00", date=today, payee=mark(Expenditure))
    r[SocialInvestment] = SocialInvestment.objects.create(
        project=running, amount="500.00", date=today, source=mark(SocialInvestment)
    )
    _demands(side)
    # An event of the trail (a download) recorded on the side's grid, its marker as what it names.
    r[AuditEntry] = audit_services.record(
        AuditKind.EXPORT, model=Member, text=mark(AuditEntry), unit=side.grid, data={"path": "/staff/members/"}
    )


def _kept_report(side, title, today):
    """A kept report of the side's street, its workbook a real (small) .xlsx naming the marker."""
    from django.core.files.base import ContentFile

    from portal.core.exports import add_sheet, append_row, new_workbook, xlsx_bytes

    book = new_workbook()
    append_row(add_sheet(book, "报告"), [title])
    report = UnitReport(unit=side.street, kind=ReportKind.MONTH, title=title, start=today.replace(day=1), end=today)
    report.workbook.save(f"report-{side.street.pk}.xlsx", ContentFile(xlsx_bytes(book)), save=False)
    report.save()
    return report


def _running_project(side, today):
    """A project in implementation, every date today: proposed, decided and started today keeps
    the order of the lifecycle whatever the date rules."""
    line = FundLine.objects.create(
        unit=side.street, year=today.year, category=FundCategory.MICRO, amount=Decimal("1000000.00")
    )
    project = micro_services.propose(
        community=side.community,
        title=f"{side.community.name}广场照明",
        description="夜间照明不足。",
        category=MicroCategory.WORKS,
        requested_amount=Decimal("80000.00"),
        proposer_name="李四",
        proposer_mobile="13900139000",
    )
    micro_services.start_review(project=project, actor=None)
    micro_services.approve(
        project=project,
        actor=None,
        amount=Decimal("80000.00"),
        fund_line=line,
        resolution="居民议事会同意立项",
        resolution_date=today,
    )
    return micro_services.start(
        project=project, actor=None, implementer="某某物业公司", start_date=today, note=side.mark(MicroTransition)
    )


def _demands(side):
    """A demand in progress in the side's community, with a staff note, a helper and a photo;
    a notification to the side's street staff (huafu / lianhua)."""
    r, mark = side.records, side.mark
    demand = r[Demand] = fd.make_demand(side.community, mark(Demand), status="in_progress")
    r[DemandTransition] = demand_services.add_note(demand=demand, actor=None, note=mark(DemandTransition))
    r[DemandHelper] = demand_services.add_helper(demand=demand, actor=None, name=mark(DemandHelper), hours="1.5")
    r[DemandPhoto] = DemandPhoto.objects.create(demand=demand, image="demands/p.jpg", thumbnail="demands/p-thumb.jpg")
    recipient = get_user_model().objects.get(username="huafu" if side.inside else "lianhua")
    r[Notification] = Notification.objects.create(user=recipient, unit=side.community, title=mark(Notification))
