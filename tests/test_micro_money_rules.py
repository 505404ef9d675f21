"""The money path keeps its rules (issue 9, section 4): which fund line may pay for a project,
and how the dates of its lifecycle agree with each other and with today (Asia/Shanghai).

Messages are compared exactly, through gettext of their msgid: the Chinese text once the
catalogue has them, and the test does not depend on when it is compiled.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from projects.models.funds import Expenditure, FundCategory, FundLine
from projects.models.micro import MicroProject, MicroStatus, Milestone
from projects.services import funds as fund_services
from projects.services import micro as services
from tests.factory_micro import approved, in_progress, make_line, make_project, reviewing, spent

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROPOSED = date(2026, 1, 5)  # tests/factory_micro.py proposes on that day

NOT_MICRO = "Only a livelihood micro-projects fund line pays for a micro-project: “%(line)s” is not one."
OTHER_YEAR = "A project proposed in %(year)s is paid from the %(year)s budget: “%(line)s” is of %(line_year)s."
NOT_ABOVE = "The fund line “%(line)s” belongs to %(unit)s, which does not contain %(community)s."
RESOLUTION = (
    "The council's resolution date (%(date)s) must lie between the proposal date (%(earliest)s) and today (%(today)s)."
)
START = "The start date (%(date)s) must lie between the council's approval (%(earliest)s) and today (%(today)s)."
MILESTONE = (
    "A milestone's date (%(date)s) must lie between the start of implementation (%(earliest)s) and today (%(today)s)."
)
ACCEPTANCE = (
    "The acceptance date (%(date)s) must lie between the start of implementation or its last milestone "
    "(%(earliest)s) and today (%(today)s)."
)
NOT_STARTED = "Spending is recorded once implementation has started."
SPENDING = "An expenditure's date (%(date)s) must lie between the start of implementation (%(earliest)s) and today (%(today)s)."
SOCIAL = (
    "A social investment's date (%(date)s) must lie between the proposal date (%(earliest)s) and today (%(today)s)."
)
FUTURE_PROPOSAL = "A proposal cannot be dated in the future."


def rule(msgid, **params):
    """The message as the service gives it, in the active language."""
    return gettext(msgid) % {"today": timezone.localdate(), **params}


def _approve(project, line, resolution_date=date(2026, 3, 1)):
    return services.approve(
        project=project,
        actor=None,
        amount=Decimal("1000.00"),
        fund_line=line,
        resolution="居民议事会表决通过",
        resolution_date=resolution_date,
    )


def _refused(call, expected):
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [expected]


# --- Which fund line pays ---------------------------------------------------------------


@pytest.fixture
def lines(tree):
    """The district's lines that must not pay for a 2026 project, and the one that may."""
    return {
        "right": make_line(tree.district, year=2026),
        "2018": make_line(tree.district, year=2018),
        "party": make_line(tree.district, year=2026, category=FundCategory.COMMUNITY_ACTIVITY),
        "other street": make_line(tree.street2, year=2026),
        "other community": make_line(tree.community2, year=2026),
    }


def _why(key, line):
    if key == "2018":
        return rule(OTHER_YEAR, year=2026, line=line, line_year=2018)
    if key == "party":
        return rule(NOT_MICRO, line=line)
    return rule(NOT_ABOVE, line=line, unit=line.unit.name, community="梅岗社区")


@pytest.mark.parametrize("key", ["2018", "party", "other street", "other community"])
def test_a_2026_project_is_approved_only_from_a_2026_micro_line_above_its_community(tree, lines, key):
    project = reviewing(make_project(tree.community1))
    _refused(lambda: _approve(project, lines[key]), _why(key, lines[key]))
    project.refresh_from_db()
    assert (project.status, project.approved_amount, project.fund_line_id) == (MicroStatus.REVIEWING, None, None)
    assert project.transitions.count() == 2
    assert FundLine.objects.with_left().get(pk=lines[key].pk).reserved == 0
    _approve(project, lines["right"])
    project.refresh_from_db()
    assert (project.status, project.fund_line, project.budget_year) == (MicroStatus.APPROVED, lines["right"], 2026)


def test_the_2018_line_is_named_in_the_chinese_message(tree, lines):
    # The rule's message names the line in Chinese whatever the catalogue: the line's own name.
    project = reviewing(make_project(tree.community1))
    with pytest.raises(ValidationError) as exc:
        _approve(project, lines["2018"])
    assert "“2018 福田区 " in exc.value.messages[0]


def test_the_street_and_community_lines_above_the_project_may_pay(tree):
    for unit in (tree.street1, tree.community1):
        project = reviewing(make_project(tree.community1))
        _approve(project, make_line(unit, year=2026))
        assert project.fund_line.unit == unit


def test_the_budget_year_is_the_year_proposed_in_shanghai(tree):
    # 31 Dec 2025 17:00 UTC is already 1 January 2026 in Shanghai: a 2026 project.
    project = make_project(tree.community1, proposed_at=datetime(2025, 12, 31, 17, 0, tzinfo=ZoneInfo("UTC")))
    assert project.funding_year() == 2026
    reviewing(project)
    line_2025 = make_line(tree.district, year=2025)
    _refused(lambda: _approve(project, line_2025), rule(OTHER_YEAR, year=2026, line=line_2025, line_year=2025))
    _approve(project, make_line(tree.district, year=2026))


def test_the_approval_form_offers_only_the_lines_that_may_pay(tree, lines, people, client_for):
    project = reviewing(make_project(tree.community1))
    response = client_for(people.huafu).get(reverse("micro_staff_detail", args=[project.pk]))
    approve_form = next(form for action, _label, form in response.context["actions"] if action == "approve")
    assert list(approve_form.fields["fund_line"].queryset) == [lines["right"]]
    body = response.content.decode()
    assert f'<option value="{lines["right"].pk}">{lines["right"]}</option>' in body
    for key in ("2018", "party", "other street", "other community"):
        assert f'<option value="{lines[key].pk}"' not in body, key


@pytest.mark.parametrize("key", ["2018", "party", "other street"])
def test_a_tampered_line_on_the_staff_page_is_refused_and_changes_nothing(tree, lines, people, client_for, key):
    project = reviewing(make_project(tree.community1))
    response = client_for(people.huafu).post(
        reverse("micro_staff_transition", args=[project.pk]),
        {"action": "approve", "approve-amount": "1000.00", "approve-fund_line": lines[key].pk,
         "approve-resolution": "通过", "approve-resolution_date": "2026-03-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    project.refresh_from_db()
    assert project.status == MicroStatus.REVIEWING and project.fund_line_id is None


# --- Dates ---------------------------------------------------------------------------------


def test_a_resolution_in_the_future_or_before_the_proposal_is_refused(tree):
    line = make_line(tree.district)
    project = reviewing(make_project(tree.community1))
    for bad in (timezone.localdate() + timedelta(days=1), PROPOSED - timedelta(days=1)):
        expected = rule(RESOLUTION, date=bad, earliest=PROPOSED)
        _refused(lambda bad=bad: _approve(project, line, bad), expected)
        reject = lambda bad=bad: services.reject(  # noqa: E731
            project=project, actor=None, reason="重复", resolution="未通过", resolution_date=bad
        )
        _refused(reject, expected)
    project.refresh_from_db()
    assert project.status == MicroStatus.REVIEWING and project.resolution_date is None
    assert FundLine.objects.with_left().get(pk=line.pk).reserved == 0
    _approve(project, line, PROPOSED)  # the day of the proposal itself is fine
    project.refresh_from_db()
    assert project.resolution_date == PROPOSED


def test_a_resolution_dated_today_for_a_proposal_made_today(tree):
    project = reviewing(make_project(tree.community1, proposed_at=timezone.now()))
    line = make_line(tree.district, year=project.funding_year())
    _approve(project, line, timezone.localdate())
    assert project.status == MicroStatus.APPROVED


def test_a_proposal_cannot_be_dated_ahead(tree):
    ahead = timezone.now() + timedelta(hours=1)
    _refused(lambda: make_project(tree.community1, proposed_at=ahead), rule(FUTURE_PROPOSAL))
    assert not MicroProject.objects.exists()


def test_start_and_acceptance_follow_the_approval_and_are_not_in_the_future(tree):
    line = make_line(tree.district)
    project = approved(make_project(tree.community1), line)  # resolution 2026-03-01
    tomorrow = timezone.localdate() + timedelta(days=1)
    for bad in (date(2026, 2, 28), tomorrow):
        _refused(
            lambda bad=bad: services.start(project=project, actor=None, implementer="物业", start_date=bad),
            rule(START, date=bad, earliest=date(2026, 3, 1)),
        )
    project.refresh_from_db()
    assert project.status == MicroStatus.APPROVED and project.start_date is None
    services.start(project=project, actor=None, implementer="物业", start_date=date(2026, 3, 1))
    services.record_milestone(project=project, actor=None, date=date(2026, 4, 1), title="完成过半", progress=50)
    for bad in (date(2026, 3, 31), tomorrow):  # before the last milestone, or ahead
        _refused(
            lambda bad=bad: services.accept(project=project, actor=None, accepted_date=bad, result="合格"),
            rule(ACCEPTANCE, date=bad, earliest=date(2026, 4, 1)),
        )
    project.refresh_from_db()
    assert project.status == MicroStatus.IN_PROGRESS and project.accepted_date is None
    services.accept(project=project, actor=None, accepted_date=date(2026, 4, 1), result="合格")
    assert project.status == MicroStatus.ACCEPTED


def test_acceptance_without_milestones_follows_the_start(tree):
    project = in_progress(make_project(tree.community1), make_line(tree.district))  # started 2026-03-10
    bad = date(2026, 3, 9)
    _refused(
        lambda: services.accept(project=project, actor=None, accepted_date=bad, result="合格"),
        rule(ACCEPTANCE, date=bad, earliest=date(2026, 3, 10)),
    )
    services.accept(project=project, actor=None, accepted_date=date(2026, 3, 10), result="合格")


def test_milestones_lie_between_the_start_and_today(tree):
    project = in_progress(make_project(tree.community1), make_line(tree.district))  # started 2026-03-10
    for bad in (date(2026, 3, 9), timezone.localdate() + timedelta(days=1)):
        _refused(
            lambda bad=bad: services.record_milestone(project=project, actor=None, date=bad, title="x", progress=20),
            rule(MILESTONE, date=bad, earliest=date(2026, 3, 10)),
        )
    assert not Milestone.objects.exists()
    assert MicroProject.objects.get(pk=project.pk).progress == 0


def test_an_expenditure_lies_between_the_start_and_today(tree):
    line = make_line(tree.district)
    project = approved(make_project(tree.community1), line)
    _refused(lambda: spent(project, day=date(2026, 3, 2)), rule(NOT_STARTED))  # approved, not started
    services.start(project=project, actor=None, implementer="物业", start_date=date(2026, 3, 10))
    for bad in (date(2026, 3, 9), date(2019, 1, 1), timezone.localdate() + timedelta(days=1)):
        _refused(lambda bad=bad: spent(project, day=bad), rule(SPENDING, date=bad, earliest=date(2026, 3, 10)))
    assert not Expenditure.objects.exists()
    spent(project, day=date(2026, 3, 10))
    spent(project, amount="1.00", day=timezone.localdate())
    assert Expenditure.objects.count() == 2


def test_social_investment_is_not_dated_ahead_nor_before_the_proposal(tree):
    project = in_progress(make_project(tree.community1), make_line(tree.district))
    for bad in (PROPOSED - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        _refused(
            lambda bad=bad: fund_services.record_social_investment(
                project=project, actor=None, amount=Decimal("10.00"), source="企业", date=bad
            ),
            rule(SOCIAL, date=bad, earliest=PROPOSED),
        )
    assert not project.social_investments.exists()


# --- The same rules on the staff pages, with the message on the form -----------------------


def _step(client, project, action, **fields):
    data = {"action": action} | {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(reverse("micro_staff_transition", args=[project.pk]), data)


def _form_error(response, message):
    assert response.status_code == 400
    forms = {action: form for action, _label, form in response.context["actions"]}
    form = forms[response.context["open_action"]]
    assert form.non_field_errors() == [message]
    assert escape(message) in response.content.decode()


def test_the_staff_page_refuses_dates_out_of_order_with_the_rule_on_the_form(tree, people, client_for):
    client = client_for(people.huafu)
    line = make_line(tree.district)
    project = reviewing(make_project(tree.community1))
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _step(client, project, "approve", amount="1000.00", fund_line=line.pk, resolution="通过",
                     resolution_date=tomorrow.isoformat())  # fmt: skip
    _form_error(response, rule(RESOLUTION, date=tomorrow, earliest=PROPOSED))
    assert _step(client, project, "approve", amount="1000.00", fund_line=line.pk, resolution="通过",
                 resolution_date="2026-03-01").status_code == 302  # fmt: skip
    response = _step(client, project, "start", implementer="物业", start_date="2026-02-01")
    _form_error(response, rule(START, date=date(2026, 2, 1), earliest=date(2026, 3, 1)))
    assert _step(client, project, "start", implementer="物业", start_date="2026-03-02").status_code == 302
    response = _step(client, project, "milestone", date=tomorrow.isoformat(), title="完成", progress="50")
    _form_error(response, rule(MILESTONE, date=tomorrow, earliest=date(2026, 3, 2)))
    response = _step(client, project, "accept", accepted_date="2026-03-01", result="合格")
    _form_error(response, rule(ACCEPTANCE, date=date(2026, 3, 1), earliest=date(2026, 3, 2)))
    project.refresh_from_db()
    assert project.status == MicroStatus.IN_PROGRESS and not project.milestones.exists()


def test_the_spending_page_refuses_an_expenditure_before_the_start_or_ahead(tree, people, client_for):
    project = in_progress(make_project(tree.community1), make_line(tree.district))
    url = reverse("micro_staff_spending", args=[project.pk])
    client = client_for(people.huafu)
    for bad in (date(2025, 12, 31), timezone.localdate() + timedelta(days=1)):
        data = {"kind": "spend", "spend-amount": "10.00", "spend-date": bad.isoformat(), "spend-payee": "物业"}
        response = client.post(url, data)
        assert response.status_code == 400
        message = rule(SPENDING, date=bad, earliest=date(2026, 3, 10))
        assert response.context["expense_form"].non_field_errors() == [message]
    assert not Expenditure.objects.exists()


def test_the_admin_cannot_change_the_dates_of_the_lifecycle(tree, people, client_for):
    project = approved(make_project(tree.community1), make_line(tree.district))
    url = reverse("admin:projects_microproject_change", args=[project.pk])
    client = client_for(people.superuser)
    fields = client.get(url).context["adminform"].form.fields
    for name in ("proposed_at", "resolution_date", "start_date", "accepted_date", "fund_line", "budget_year"):
        assert name not in fields
    client.post(url, {"title": "改名", "description": "d", "category": project.category, "community": project.community_id,
                      "resolution_date": "2099-01-01", "proposed_at": "2099-01-01 10:00",
                      "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})  # fmt: skip
    project.refresh_from_db()
    assert project.resolution_date == date(2026, 3, 1)
    assert timezone.localdate(project.proposed_at) == PROPOSED
