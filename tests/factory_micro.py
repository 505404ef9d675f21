"""Factories for 民生微实事: fund lines, caps and projects in any state, built through the services.

Projects are proposed on 5 January 2026 (Asia/Shanghai) unless told otherwise, so that the
fixed dates of the tests (resolution 1 March, start 10 March, acceptance 1 June 2026) agree
with the proposal and lie before today, as the services require.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from projects.models.funds import Expenditure, FundCategory, FundLine, ProjectCap
from projects.models.micro import MicroCategory, MicroProject
from projects.services import funds as fund_services
from projects.services import micro as services

PROPOSED_AT = datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_line(unit, amount="1000000.00", year=2026, category=FundCategory.MICRO):
    line, _created = FundLine.objects.get_or_create(
        unit=unit, year=year, category=category, defaults={"amount": Decimal(amount)}
    )
    return line


def make_cap(district, year=2026, category=MicroCategory.SERVICES, max_amount="200000.00"):
    return ProjectCap.objects.create(district=district, year=year, category=category, max_amount=Decimal(max_amount))


def make_project(community, title="楼道照明改造", amount="50000.00", category=MicroCategory.WORKS, **extra):
    fields = {
        "proposer_name": "张三",
        "proposer_mobile": "13800138000",
        "description": "老旧楼道灯不亮，夜间出行不便。",
        "proposed_at": PROPOSED_AT,
    } | extra
    return services.propose(
        community=community, title=title, category=category, requested_amount=Decimal(amount), **fields
    )


def reviewing(project, actor=None):
    return services.start_review(project=project, actor=actor)


def approved(project, line, actor=None, amount=None):
    if project.status == "proposed":
        reviewing(project, actor)
    return services.approve(
        project=project,
        actor=actor,
        amount=Decimal(amount) if amount is not None else project.requested_amount,
        fund_line=line,
        resolution="居民议事会同意立项",
        resolution_date=date(2026, 3, 1),
    )


def in_progress(project, line, actor=None):
    approved(project, line, actor)
    return services.start(project=project, actor=actor, implementer="某某物业公司", start_date=date(2026, 3, 10))


def accepted(project, line, actor=None):
    in_progress(project, line, actor)
    return services.accept(project=project, actor=actor, accepted_date=date(2026, 6, 1), result="验收合格")


def spent(project, amount="1000.00", day=date(2026, 4, 1), payee="某某物业公司", actor=None):
    return fund_services.record_expenditure(project=project, actor=actor, amount=Decimal(amount), date=day, payee=payee)


def expenditure_in(community):
    """An expenditure of a project in progress in `community` (one line per district and year)."""
    line = make_line(community.parent.parent)
    return spent(in_progress(make_project(community), line))


def admin_outside():
    """ADMIN_OUTSIDE makers for tests/matrix.py: records under 莲花街道."""

    def line(tree):
        return make_line(tree.community2)

    def cap(tree):
        # A cap belongs to the district, above (so outside) every street's scope.
        return make_cap(tree.district)

    return {
        FundLine: line,
        ProjectCap: cap,
        MicroProject: lambda tree: make_project(tree.community2),
        Expenditure: lambda tree: expenditure_in(tree.community2),
    }
