"""The projects part of `manage.py seed_scale`: 民生微实事, service projects, teams, volunteers,
activities and service records on top of the demo, up to a district's size times a factor
(issue 15: 21,800 micro-projects and 100,000 service records at 1×). Deterministic, bulk inserts
in batches, additive.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grids.demo.scale import to_add
from grids.models import Level, Unit

from ..models.activities import Activity, ServiceRecord
from ..models.funds import FundCategory, FundLine
from ..models.micro import MicroCategory, MicroProject, MicroStatus, ProposerKind
from ..models.service import ProjectCategory, ProjectStatus, ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer
from ..services import funnel, hours

MICRO_PER_FACTOR = 21_800
PROJECTS_PER_FACTOR = 2_000
TEAMS_PER_FACTOR = 700
VOLUNTEERS_PER_FACTOR = 10_000
ACTIVITIES_PER_FACTOR = 20_000
RECORDS_PER_ACTIVITY = 5  # 100,000 service records per factor
BATCH = 2_000
SCALE_MOBILES = 13_900_000_000  # volunteers' mobiles: 139xxxxxxxx, one per volunteer


def _batched(model, rows):
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


def seed_micro(factor, stdout):
    plan = to_add(MicroProject.objects.all(), MICRO_PER_FACTOR, factor)
    if plan is None:
        return 0
    have, target, rng = plan
    communities = list(Unit.objects.filter(level=Level.COMMUNITY).order_by("pk"))
    line = FundLine.objects.filter(category=FundCategory.MICRO).order_by("pk").first()
    now = timezone.now()
    rows = []
    for n in range(have, target):
        community = communities[n % len(communities)]
        status = rng.choices(
            [MicroStatus.ACCEPTED, MicroStatus.IN_PROGRESS, MicroStatus.REJECTED, MicroStatus.REVIEWING],
            weights=[50, 20, 20, 10],
        )[0]
        amount = Decimal(rng.randrange(10, 400) * 500)
        project = MicroProject(
            community=community,
            title=f"{community.name}民生微实事第{n + 1}号",
            description="规模测试数据（seed_scale）。",
            category=rng.choice(MicroCategory.values),
            tracking_code=f"SC{n:08d}",
            proposed_at=now - timedelta(days=rng.randint(30, 3000)),
            status=status,
            requested_amount=amount,
            proposer_kind=ProposerKind.ORGANISATION,
            proposer_organisation=f"{community.name}居民议事会",
        )
        if status in (MicroStatus.ACCEPTED, MicroStatus.IN_PROGRESS) and line is not None:
            project.approved_amount = project.reserved_amount = amount
            project.fund_line, project.budget_year = line, project.proposed_at.year
            project.resolution, project.resolution_date = "居民议事会表决通过", project.proposed_at.date()
            project.progress = 100 if status == MicroStatus.ACCEPTED else 50
        elif status in (MicroStatus.ACCEPTED, MicroStatus.IN_PROGRESS):
            project.status = MicroStatus.REVIEWING
        rows.append(project)
    _batched(MicroProject, rows)
    funnel.refresh()  # bulk inserts send no signal
    stdout.write(f"micro-projects: {len(rows):,} added ({target:,} in all)")
    return len(rows)


def seed_volunteering(factor, stdout):
    target_records = ACTIVITIES_PER_FACTOR * RECORDS_PER_ACTIVITY * factor
    if ServiceRecord.objects.count() >= target_records:
        return 0
    rng = random.Random(f"volunteering-{factor}")
    units = list(Unit.objects.filter(level=Level.COMMUNITY).order_by("pk"))
    now = timezone.now()
    first_team = VolunteerTeam.objects.count()
    teams = [
        VolunteerTeam(unit=units[n % len(units)], name=f"{units[n % len(units)].name}志愿服务队{n + 1}")
        for n in range(first_team, max(first_team, TEAMS_PER_FACTOR * factor))
    ]
    _batched(VolunteerTeam, teams)
    first_volunteer = Volunteer.objects.count()
    volunteers = [
        Volunteer(
            unit=units[n % len(units)],
            name=f"志愿者{n + 1}",
            mobile=str(SCALE_MOBILES + n),
            registered_on=(now - timedelta(days=rng.randint(30, 2000))).date(),
        )
        for n in range(first_volunteer, max(first_volunteer, VOLUNTEERS_PER_FACTOR * factor))
    ]
    _batched(Volunteer, volunteers)
    team_ids = list(VolunteerTeam.objects.order_by("pk").values_list("pk", flat=True))
    through = Volunteer.teams.through
    _batched(through, [through(volunteer_id=v.pk, volunteerteam_id=team_ids[v.pk % len(team_ids)]) for v in volunteers])
    first_project = ServiceProject.objects.count()
    projects = [
        ServiceProject(
            unit=units[n % len(units)],
            title=f"{units[n % len(units)].name}服务项目{n + 1}",
            category=rng.choice(ProjectCategory.values),
            status=ProjectStatus.ACTIVE,
            description="规模测试数据（seed_scale）。",
        )
        for n in range(first_project, max(first_project, PROJECTS_PER_FACTOR * factor))
    ]
    _batched(ServiceProject, projects)
    project_ids = list(ServiceProject.objects.order_by("pk").values_list("pk", flat=True))
    first_activity = Activity.objects.count()
    activities = []
    for n in range(first_activity, ACTIVITIES_PER_FACTOR * factor):
        starts = now - timedelta(days=rng.randint(2, 1500), hours=rng.randint(0, 10))
        activities.append(
            Activity(
                project_id=project_ids[n % len(project_ids)],
                title=f"志愿服务活动{n + 1}",
                address="社区党群服务中心",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                signup_deadline=starts - timedelta(hours=12),
                capacity=20,
            )
        )
    _batched(Activity, activities)
    volunteer_ids = list(Volunteer.objects.order_by("pk").values_list("pk", flat=True))
    records = []
    for activity in activities:
        for volunteer_id in rng.sample(volunteer_ids, RECORDS_PER_ACTIVITY):
            records.append(
                ServiceRecord(
                    activity=activity, volunteer_id=volunteer_id, hours=Decimal(rng.choice(["1.00", "1.50", "2.00"]))
                )
            )
        if len(records) >= BATCH * 5:
            _batched(ServiceRecord, records)
            records = []
    _batched(ServiceRecord, records)
    hours.refresh()  # bulk inserts send no signal
    stdout.write(
        f"volunteering: {len(teams):,} teams, {len(volunteers):,} volunteers, {len(projects):,} projects, "
        f"{len(activities):,} activities, {len(activities) * RECORDS_PER_ACTIVITY:,} service records added"
    )
    return len(activities)
