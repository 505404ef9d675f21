"""Expenditures are never edited nor deleted: a mistake is corrected by a reversing entry (冲正)
that names the original and a reason; both stay public and every total comes out right."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from projects.models.funds import Expenditure, FundLine
from projects.models.funnel import MicroFunnelTotal
from projects.models.micro import MicroProject
from projects.services import funds as fund_services
from projects.services import micro as services
from projects.stats import micro_section
from projects.stats.micro import funnel_rows
from tests.factory_micro import in_progress, make_line, make_project, spent

REASON = "金额录入错误，应为1,000.00元"


def _reverse(expenditure, reason=REASON, actor=None):
    return fund_services.reverse_expenditure(expenditure=expenditure, actor=actor, reason=reason)


@pytest.fixture
def line(tree):
    return make_line(tree.district, amount="1000000.00")


@pytest.fixture
def project(tree, line):
    return in_progress(make_project(tree.community1, title="梅岗楼道照明", amount="50000.00"), line)


def _left(line):
    return FundLine.objects.with_left().get(pk=line.pk).left


def test_record_10000_reverse_it_and_spent_is_zero(project, line):
    original = spent(project, amount="10000.00", day=date(2026, 4, 1))
    reversal = _reverse(original)
    reversal.refresh_from_db()
    assert reversal.amount == Decimal("-10000.00")
    assert (reversal.reverses, reversal.reversal_reason, reversal.payee) == (original, REASON, original.payee)
    assert reversal.date == timezone.localdate()
    assert original.reversed_by == reversal and reversal.is_reversal and not original.is_reversal
    assert MicroProject.objects.with_money().get(pk=project.pk).spent == Decimal("0.00")
    assert project.spent_total() == Decimal("0.00")
    assert Expenditure.objects.count() == 2  # the original stays on record
    # Spending never touched the line of an open project (its approval holds the money) ...
    assert _left(line) == Decimal("950000.00")
    # ... and the right amount is then recorded anew.
    spent(project, amount="1000.00")
    assert project.spent_total() == Decimal("1000.00")


def test_a_withdrawn_project_gives_the_reversed_money_back_to_the_line(project, line):
    original = spent(project, amount="10000.00")
    services.withdraw(project=project, actor=None, note="居民反对")
    assert _left(line) == Decimal("990000.00")  # a withdrawn project holds what it spent
    _reverse(original)
    project.refresh_from_db()
    assert project.reserved_amount == Decimal("0.00")
    assert _left(line) == Decimal("1000000.00")
    assert MicroProject.objects.public().filter(pk=project.pk).exists()


def test_a_reversed_overrun_gives_the_money_back_to_the_line(project, line, people):
    spent(project, amount="50000.00")
    overrun = fund_services.record_expenditure(
        project=project, actor=people.district_admin, amount=Decimal("10000.00"), date=date(2026, 4, 2),
        payee="物业", overrun_reason="材料涨价",
    )  # fmt: skip
    assert _left(line) == Decimal("940000.00")
    _reverse(overrun)
    assert MicroProject.objects.get(pk=project.pk).reserved_amount == Decimal("50000.00")
    assert _left(line) == Decimal("950000.00")


def test_an_entry_is_reversed_once_a_reversal_never_and_a_reason_is_required(project):
    original = spent(project, amount="10000.00")
    with pytest.raises(ValidationError) as exc:
        _reverse(original, reason="  ")
    assert exc.value.messages == [gettext("Give the reason for the reversal.")]
    assert Expenditure.objects.count() == 1
    reversal = _reverse(original)
    with pytest.raises(ValidationError) as exc:
        _reverse(original)
    assert exc.value.messages == [gettext("This expenditure has already been reversed.")]
    with pytest.raises(ValidationError) as exc:
        _reverse(reversal)
    assert exc.value.messages == [
        gettext("A reversal cannot be reversed: record the right amount as a new expenditure.")
    ]
    assert Expenditure.objects.count() == 2
    assert project.spent_total() == Decimal("0.00")


def test_the_database_keeps_amounts_positive_unless_reversing_once_with_a_reason(project):
    original = spent(project, amount="10.00")
    bad_rows = [
        {"amount": Decimal("-10.00")},  # negative without naming an original
        {"amount": Decimal("10.00"), "reverses": original, "reversal_reason": "x"},  # a positive "reversal"
        {"amount": Decimal("-10.00"), "reverses": original},  # no reason
        {"amount": Decimal("0.00")},
    ]
    for fields in bad_rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            Expenditure.objects.create(project=project, date=date(2026, 4, 1), payee="甲", **fields)
    Expenditure.objects.create(
        project=project, date=date(2026, 4, 1), payee="甲", amount=Decimal("-10.00"), reverses=original,
        reversal_reason="录错",
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():  # reversed at most once
        Expenditure.objects.create(
            project=project, date=date(2026, 4, 1), payee="甲", amount=Decimal("-10.00"), reverses=original,
            reversal_reason="再冲一次",
        )  # fmt: skip


# --- Totals: every figure is a database sum over both entries -----------------------------


def test_every_total_counts_the_reversal(client, tree, project, line, people, client_for):
    other = in_progress(make_project(tree.community1, title="梅岗长者饭堂"), line)
    spent(other, amount="2500.50")
    _reverse(spent(project, amount="10000.00"))
    spent(project, amount="1234.56")
    year = {"year": "2026"}

    assert micro_section(None, year="2026")["spent"] == "3735.06"
    assert client.get(reverse("open_stats"), year).json()["micro_projects"]["spent"] == "3735.06"
    assert funnel_rows(MicroFunnelTotal.objects.all())[0]["spent"] == Decimal("3735.06")
    funnel = client_for(people.district_admin).get(reverse("micro_staff_funnel")).context["rows"]
    assert funnel[0]["spent"] == Decimal("3735.06")

    client.logout()
    page = {p.title: p.spent for p in client.get(reverse("micro_list")).context["page"]}
    assert page == {"梅岗楼道照明": Decimal("1234.56"), "梅岗长者饭堂": Decimal("2500.50")}
    rows = list(csv.reader(io.StringIO(client.get(reverse("micro_csv")).content.decode("utf-8-sig"))))
    spent_column = rows[0].index("已支出（元）")
    by_title = {row[3]: Decimal(row[spent_column].replace(",", "")) for row in rows[1:]}
    assert by_title == {"梅岗楼道照明": Decimal("1234.56"), "梅岗长者饭堂": Decimal("2500.50")}
    staff = client_for(people.huafu).get(reverse("micro_staff_list")).context["page"]
    assert {p.title: p.spent for p in staff} == page


# --- Pages: both entries public; the 冲正 action on the staff page -------------------------


def test_the_public_page_shows_the_original_and_its_reversal(client, project):
    original = spent(project, amount="10000.00", day=date(2026, 4, 1), payee="某某照明公司")
    _reverse(original)
    response = client.get(reverse("micro_detail", args=[project.pk]))
    rows = response.context["expenditures"]
    assert [(e.amount, e.reverses_id) for e in rows] == [
        (Decimal("10000.00"), None),
        (Decimal("-10000.00"), original.pk),
    ]
    body = response.content.decode()
    assert body.count("某某照明公司") == 2
    assert ">10,000.00<" in body and ">-10,000.00<" in body
    assert escape(REASON) in body
    assert gettext("Reversal") in body and gettext("Reversed") in body
    marker = gettext("of the entry of %(date)s (%(amount)s yuan)") % {"date": "2026-04-01", "amount": "10,000.00"}
    assert marker in body
    spent_line = body.split(gettext("Spent (yuan)"))[1][:60]
    assert ">0.00<" in spent_line
    assert reverse("micro_staff_reverse", args=[original.pk]) not in body  # no staff action in public


def test_staff_reverse_an_expenditure_from_the_spending_page(project, people, client_for):
    original = spent(project, amount="10000.00")
    client = client_for(people.huafu)
    spending = reverse("micro_staff_spending", args=[project.pk])
    url = reverse("micro_staff_reverse", args=[original.pk])
    assert f'href="{url}"' in client.get(spending).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and ">10,000.00<" in page.content.decode()

    response = client.post(url, {"amount": "10000.00", "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    # The amount typed again must be the entry's: guards against reversing the wrong row.
    response = client.post(url, {"amount": "1000.00", "reason": "重复录入"})
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [gettext("This is not the amount of the entry shown above.")]
    assert Expenditure.objects.count() == 1

    response = client.post(url, {"amount": "10000", "reason": "重复录入"})
    assert response.status_code == 302 and response["Location"] == spending
    reversal = Expenditure.objects.get(reverses=original)
    assert (reversal.amount, reversal.reversal_reason, reversal.recorded_by) == (
        Decimal("-10000.00"), "重复录入", people.huafu
    )  # fmt: skip
    body = client.get(spending).content.decode()
    assert f'href="{url}"' not in body  # reversed: no second action
    assert reverse("micro_staff_reverse", args=[reversal.pk]) not in body  # nor on the reversal
    response = client.post(url, {"amount": "10000.00", "reason": "再冲一次"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [gettext("This expenditure has already been reversed.")]
    assert Expenditure.objects.count() == 2


def test_a_viewer_or_an_outsider_cannot_reverse(tree, project, line, people, client_for):
    original = spent(project, amount="10000.00")
    url = reverse("micro_staff_reverse", args=[original.pk])
    viewer = client_for(people.viewer)
    assert f'href="{url}"' not in viewer.get(reverse("micro_staff_spending", args=[project.pk])).content.decode()
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {"reason": "越权"}).status_code == 403
    outsider = client_for(people.lianhua)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"reason": "越权"}).status_code == 404
    assert Expenditure.objects.count() == 1


# --- Admin: read-only for everyone, superusers included -----------------------------------


def test_the_admin_never_edits_nor_deletes_spending(project, people, client_for):
    original = spent(project, amount="10000.00")
    reversal = _reverse(original)
    client = client_for(people.superuser)
    change = reverse("admin:projects_expenditure_change", args=[original.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]
    assert page.context["adminform"].form.fields == {}
    client.post(change, {"amount": "1.00", "payee": "改", "date": "2026-04-01"})
    assert client.get(reverse("admin:projects_expenditure_add")).status_code == 403
    for entry in (original, reversal):
        delete = reverse("admin:projects_expenditure_delete", args=[entry.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:projects_expenditure_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [original.pk], "post": "yes"})
    original.refresh_from_db()
    assert (original.amount, original.payee) == (Decimal("10000.00"), "某某物业公司")
    assert Expenditure.objects.count() == 2
    listed = client.get(changelist)
    assert {e.pk for e in listed.context["cl"].queryset} == {original.pk, reversal.pk}
    assert ">-10,000.00<" in listed.content.decode()
