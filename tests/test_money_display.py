"""Money reads with thousands separators in every language (issue 13): chart tables, form and
service messages, the admin's dues lists. Chinese used to read "14422515.87" where English
grouped the digits."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from grids.models import DuesCategory, PaymentMethod
from grids.services import dues
from grids.stats.figures import Chart, Figure, figures_chart
from portal.open_data import charts
from projects.forms.micro import MAX_REQUEST, money
from tests import factory_members as fm

LANGUAGES = ["zh-hans", "en"]


def _cells(chart):
    html = render_to_string("portal/dashboard/chart.html", {"chart": chart})
    return [cell.split("</td>")[0] for cell in html.split('<td class="text-end">')[1:]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_chart_tables_group_money_and_counts(language):
    money_chart = Chart("m", "Money", "bar", ["a", "b", "c"], [("Yuan", [Decimal("14422515.87"), 70000, None])])
    money_chart.unit = "money"
    counts = Chart("c", "Counts", "bar", ["a"], [("n", [12345])])
    with translation.override(language):
        assert _cells(money_chart) == ["14,422,515.87", "70,000.00", "–"]
    with translation.override("en"):
        assert _cells(counts) == ["12,345"]  # counts as the figures read them (intcomma)


def test_a_chart_of_money_figures_is_a_money_chart():
    spent = Figure("spent", "Spent", {0: Decimal("70000")}, kind="money")
    left = Figure("left", "Left", {0: Decimal("1234567.5")}, kind="money")
    chart = figures_chart("money", "Money", "bar", [spent, left], "Yuan")
    assert chart.unit == "money" and chart.as_json()["unit"] == "money"
    with translation.override("zh-hans"):
        assert _cells(chart) == ["70,000.00", "1,234,567.50"]
    count = Figure("n", "Projects", {0: 3})
    assert figures_chart("mixed", "Mixed", "bar", [spent, count], "x").unit == "count"


def test_the_open_data_money_charts_are_money(db):
    units = {chart.key: chart.unit for chart in charts(None)[0]}
    money_keys = {"open-micro-category-money", "open-micro-streets", "open-micro-years"}
    assert {key for key, unit in units.items() if unit == "money"} == money_keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_amount_limit_message_groups_digits(language):
    field = money("Amount", MAX_REQUEST)
    with translation.override(language), pytest.raises(ValidationError) as caught:
        field.clean("20000000")
    assert "10,000,000.00" in caught.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        field.clean("20000000")
    assert caught.value.messages == ["金额不能超过 10,000,000.00 元。"]


@pytest.fixture
def member(tree):
    return fm.make_member(tree.grid1, "交党费")


def _pay_the_year(member, amount):
    return dues.record_payment(
        member=member,
        year=2025,
        first_month=1,
        last_month=12,
        amount=Decimal(amount),
        method=PaymentMethod.CASH,
        paid_on=date(2025, 12, 1),
        by=None,
    )


def test_dues_messages_group_digits(member):
    dues.assess(member=member, year=2025, category=DuesCategory.WORKING, pay_base="100000", by=None)  # 2,000 a month
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        _pay_the_year(member, "100.00")
    assert caught.value.message_dict["amount"] == ["这些月份应交党费24,000.00元。"]


def test_the_dues_admin_lists_group_digits(member, people, client_for):
    dues.assess(member=member, year=2025, category=DuesCategory.WORKING, pay_base="100000", by=None)
    _pay_the_year(member, "24000.00")
    client = client_for(people.superuser)
    assessments = client.get(reverse("admin:grids_duesassessment_changelist")).content.decode()
    assert '<td class="field-monthly_yuan">2,000.00</td>' in assessments
    payments = client.get(reverse("admin:grids_duespayment_changelist")).content.decode()
    assert '<td class="field-amount_yuan">24,000.00</td>' in payments
