"""Staff pages and admin of 民生微实事: scoped, service-backed, constant query counts."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models.funds import Expenditure, FundLine, SocialInvestment
from projects.models.micro import MicroCategory, MicroProject, MicroStatus, ProposerKind
from projects.services import funnel
from tests.factory_micro import approved, in_progress, make_line, make_project, reviewing

LIST_PAGES = ["micro_staff_queue", "micro_staff_list", "micro_staff_funds", "micro_staff_funnel", "export"]


@pytest.fixture
def both(tree):
    line = make_line(tree.district, amount="1000000.00")
    inside = approved(make_project(tree.community1, title="梅岗内部项目"), line)
    outside = approved(make_project(tree.community2, title="狮岭外部项目"), line)
    make_line(tree.community2, amount="5000.00")
    reviewing(make_project(tree.community1, title="梅岗待评议"))
    reviewing(make_project(tree.community2, title="狮岭待评议"))
    return inside, outside


@pytest.mark.parametrize("name", LIST_PAGES)
def test_street_staff_see_only_their_street(name, both, people, client_for):
    url = reverse("micro_staff_list") + "?export=xlsx" if name == "export" else reverse(name)
    response = client_for(people.huafu).get(url)
    assert response.status_code == 200
    if name == "export":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        body = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    else:
        body = response.content.decode()
    assert "狮岭" not in body
    assert "13800138000" not in body


def test_district_admin_sees_both_streets(both, people, client_for):
    body = client_for(people.district_admin).get(reverse("micro_staff_list")).content.decode()
    assert "梅岗内部项目" in body and "狮岭外部项目" in body


def test_fund_lines_page_shows_what_is_left_and_the_district_line(both, people, client_for):
    body = client_for(people.huafu).get(reverse("micro_staff_funds")).content.decode()
    assert "福田区" in body
    assert "900,000.00" in body  # 1,000,000 − 2 × 50,000


@pytest.mark.parametrize("name", ["micro_staff_queue", "micro_staff_list", "micro_staff_funds", "micro_staff_funnel"])
def test_staff_list_query_counts_are_constant(name, tree, people, client_for, django_assert_max_num_queries):
    line = make_line(tree.district, amount="100000000.00")
    for i in range(25):
        approved(make_project(tree.community1, title=f"项目{i}"), line)
        reviewing(make_project(tree.community1, title=f"评议{i}"))
    client = client_for(people.huafu)
    client.get(reverse(name))  # warm the session
    with django_assert_max_num_queries(9):
        assert client.get(reverse(name)).status_code == 200


def test_staff_detail_shows_masked_mobile_only(both, people, client_for):
    body = client_for(people.huafu).get(reverse("micro_staff_detail", args=[both[0].pk])).content.decode()
    assert "138****8000" in body and "13800138000" not in body


def test_outsider_cannot_act_on_a_project(both, people, client_for):
    outside = both[1]
    client = client_for(people.huafu)
    url = reverse("micro_staff_transition", args=[outside.pk])
    assert client.post(url, {"action": "withdraw", "withdraw-note": "x"}).status_code == 404
    assert client.post(reverse("micro_staff_spending", args=[outside.pk]), {"kind": "spend"}).status_code == 404
    outside.refresh_from_db()
    assert outside.status == MicroStatus.APPROVED


def test_viewer_cannot_act(both, people, client_for):
    client = client_for(people.viewer)
    url = reverse("micro_staff_transition", args=[both[0].pk])
    assert client.post(url, {"action": "withdraw", "withdraw-note": "x"}).status_code == 403
    assert client.get(reverse("micro_staff_detail", args=[both[0].pk])).status_code == 200


def test_illegal_step_through_the_page_is_refused_with_a_message(tree, people, client_for):
    project = make_project(tree.community1)
    response = client_for(people.huafu).post(
        reverse("micro_staff_transition", args=[project.pk]),
        {"action": "accept", "accept-accepted_date": "2026-06-01", "accept-result": "合格"},
    )
    assert response.status_code == 400
    assert "不能变为" in response.content.decode()
    project.refresh_from_db()
    assert project.status == MicroStatus.PROPOSED


def test_spending_entry_with_voucher_and_overrun_rules(tree, people, client_for):
    line = make_line(tree.district)
    project = in_progress(make_project(tree.community1, amount="1000.00"), line)
    url = reverse("micro_staff_spending", args=[project.pk])
    staff = client_for(people.huafu)
    pdf = SimpleUploadedFile("fapiao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = staff.post(
        url,
        {
            "kind": "spend",
            "spend-amount": "900.00",
            "spend-date": "2026-04-01",
            "spend-payee": "物业",
            "spend-voucher": pdf,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert Expenditure.objects.get().voucher.name.endswith(".pdf")
    fake = SimpleUploadedFile("fapiao.pdf", b"<html>", content_type="application/pdf")
    response = staff.post(
        url,
        {
            "kind": "spend",
            "spend-amount": "1.00",
            "spend-date": "2026-04-01",
            "spend-payee": "物业",
            "spend-voucher": fake,
        },
    )
    assert response.status_code == 400 and "PDF" in response.content.decode()
    response = staff.post(
        url,
        {
            "kind": "spend",
            "spend-amount": "200.00",
            "spend-date": "2026-04-02",
            "spend-payee": "物业",
            "spend-overrun_reason": "涨价",
        },
    )
    assert response.status_code == 400 and "只有管理员" in response.content.decode()
    admin = client_for(people.district_admin)
    response = admin.post(
        url,
        {
            "kind": "spend",
            "spend-amount": "200.00",
            "spend-date": "2026-04-02",
            "spend-payee": "物业",
            "spend-overrun_reason": "涨价",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert Expenditure.objects.count() == 2
    response = admin.post(
        url, {"kind": "social", "social-amount": "300.00", "social-date": "2026-04-02", "social-source": "爱心企业"}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert SocialInvestment.objects.get().amount == Decimal("300.00")


def test_staff_proposal_for_an_organisation(tree, people, client_for):
    response = client_for(people.meigang).post(
        reverse("micro_staff_new"),
        {"community": tree.community1.pk, "title": "党员志愿服务站", "description": "设立服务站", "category": "services",
         "requested_amount": "20000", "proposer_kind": "organisation", "proposer_organisation": "梅岗社区党委"},
    )  # fmt: skip
    assert response.status_code == 302
    project = MicroProject.objects.get()
    assert response["Location"] == reverse("micro_staff_detail", args=[project.pk])
    assert project.proposer_organisation == "梅岗社区党委" and project.transitions.get().actor == people.meigang


def test_staff_cannot_propose_outside_their_scope(tree, people, client_for):
    response = client_for(people.meigang).post(
        reverse("micro_staff_new"),
        {"community": tree.community2.pk, "title": "越界", "description": "x", "category": "services",
         "requested_amount": "20000", "proposer_kind": "staff"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not MicroProject.objects.exists()


def test_only_administrators_create_fund_lines(tree, people, client_for):
    data = {"unit": tree.street1.pk, "category": "micro", "year": 2026, "amount": "100000.00"}
    assert client_for(people.huafu).post(reverse("micro_staff_fund_new"), data).status_code == 403
    response = client_for(people.district_admin).post(reverse("micro_staff_fund_new"), data)
    assert (response.status_code, response["Location"]) == (302, reverse("micro_staff_funds"))
    assert FundLine.objects.get().unit == tree.street1


def test_funnel_counts_per_street(both, people, client_for):
    rows = client_for(people.district_admin).get(reverse("micro_staff_funnel")).context["rows"]
    by_name = {row["name"]: row for row in rows}
    assert by_name["华富街道"]["proposed"] == 2 and by_name["华富街道"]["approved"] == 1
    assert by_name["莲花街道"]["reviewing"] == 1
    community_rows = (
        client_for(people.district_admin).get(reverse("micro_staff_funnel"), {"by": "community"}).context["rows"]
    )
    assert {row["name"] for row in community_rows} == {"梅岗社区", "狮岭社区"}


# --- Admin: scoped, and no bypass of the rules ------------------------------------------


def test_admin_keeps_status_and_money_read_only(both, people, client_for):
    project = both[0]
    client = client_for(people.district_admin)
    url = reverse("admin:projects_microproject_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    form_fields = page.context["adminform"].form.fields
    for field in ("status", "approved_amount", "fund_line", "reserved_amount", "budget_year", "progress"):
        assert field not in form_fields
    # A forged POST cannot change them either.
    client.post(url, {"title": "改名", "description": "d", "status": "accepted", "approved_amount": "1.00",
                      "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})  # fmt: skip
    project.refresh_from_db()
    assert project.status == MicroStatus.APPROVED and project.approved_amount == Decimal("50000.00")


def test_admin_cannot_add_or_delete_decided_projects(both, people, client_for):
    client = client_for(people.district_admin)
    assert client.get(reverse("admin:projects_microproject_add")).status_code == 403
    assert client.get(reverse("admin:projects_microproject_delete", args=[both[0].pk])).status_code == 403


def test_admin_action_runs_through_the_service(tree, people, client_for):
    project = make_project(tree.community1)
    done = make_project(tree.community1)
    reviewing(done)
    client = client_for(people.huafu)
    client.post(
        reverse("admin:projects_microproject_changelist"),
        {"action": "start_review_action", "_selected_action": [project.pk, done.pk]},
    )
    project.refresh_from_db()
    assert project.status == MicroStatus.REVIEWING
    assert project.transitions.last().actor == people.huafu


def test_admin_fund_line_cannot_drop_below_what_is_held(both, people, client_for):
    line = FundLine.objects.get(unit__name="福田区")
    client = client_for(people.district_admin)
    url = reverse("admin:projects_fundline_change", args=[line.pk])
    data = {"category": "micro", "unit": line.unit_id, "year": 2026, "amount": "1000.00", "note": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "项目已占用该科目 100,000.00 元" in response.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("1000000.00")


def test_funnel_excel_export(both, people, client_for):
    from openpyxl import load_workbook

    response = client_for(people.huafu).get(reverse("micro_staff_funnel"), {"by": "community", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("年度", "街道", "社区")
    assert [row[2] for row in rows[1:]] == ["梅岗社区"]


def _many_projects(tree, count, *, spend_every=0):
    """`count` projects in one bulk insert, over both streets, nine years and the statuses (every
    `spend_every`-th one in progress with 100.01 spent)."""
    statuses = [MicroStatus.PROPOSED, MicroStatus.REVIEWING, MicroStatus.REJECTED, MicroStatus.WITHDRAWN]
    start = MicroProject.objects.count()
    line = FundLine.objects.first() or make_line(tree.district, amount="100000000.00")
    funded = lambda i: spend_every and i % spend_every == 0  # noqa: E731
    projects = MicroProject.objects.bulk_create(
        MicroProject(
            community=(tree.community1, tree.community2)[i % 2],
            title=f"批量项目{start + i}",
            category=MicroCategory.WORKS,
            requested_amount=Decimal("1000.00"),
            proposer_kind=ProposerKind.STAFF,
            proposer_name="张三",
            description="批量",
            status=MicroStatus.IN_PROGRESS if funded(i) else statuses[i % len(statuses)],
            approved_amount=Decimal("500.00") if funded(i) else None,
            fund_line=line if funded(i) else None,
            budget_year=2026 if funded(i) else None,
            proposed_at=datetime(2018 + i % 9, 3, 1, tzinfo=UTC),
            tracking_code=f"BULK{start + i}",
        )
        for i in range(count)
    )
    Expenditure.objects.bulk_create(
        Expenditure(project=p, date=p.proposed_at.date(), payee="物业", amount=Decimal("100.01"))
        for p in projects
        if p.status == MicroStatus.IN_PROGRESS
    )
    funnel.refresh()  # bulk inserts send no signal


@pytest.mark.parametrize("by", ["street", "community"])
@pytest.mark.parametrize("export", [False, True])
def test_funnel_makes_the_same_queries_with_few_or_many_projects(
    by, export, tree, people, client_for, django_assert_num_queries
):
    client = client_for(people.district_admin)
    url = reverse("micro_staff_funnel") + f"?by={by}" + ("&export=xlsx" if export else "")
    _many_projects(tree, 20, spend_every=5)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many_projects(tree, 900, spend_every=5)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    # Session, user, scope, the kept totals; the export records itself in the audit trail (two more).
    assert len(few.captured_queries) == (6 if export else 4)
    if export:
        return
    many = response.context["rows"]
    assert len(many) == 9 * 2  # one row per year and street (or community)
    assert sum(row["proposed"] for row in many) == 920
    assert sum(row["in_progress"] for row in many) == 4 + 180
    assert sum(row["spent"] for row in many) == Decimal("100.01") * 184
    assert sum(row["approved_amount"] for row in many) == Decimal("500.00") * 184
    assert [row["year"] for row in many] == [year for year in range(2026, 2017, -1) for _ in range(2)]
    names = {"street": ["华富街道", "莲花街道"], "community": ["梅岗社区", "狮岭社区"]}[by]
    assert [row["name"] for row in many[:2]] == names


def test_funnel_counts_a_project_in_its_local_year(tree, people, client_for):
    # 2025-12-31 20:00 UTC is 2026-01-01 04:00 in Shanghai; 2025-12-31 15:59 UTC still 2025.
    make_project(tree.community1, proposed_at=datetime(2025, 12, 31, 20, tzinfo=UTC))
    make_project(tree.community1, proposed_at=datetime(2025, 12, 31, 15, 59, tzinfo=UTC))
    make_project(tree.community1, proposed_at=datetime(2003, 6, 1, tzinfo=UTC))  # before the cased years
    rows = client_for(people.huafu).get(reverse("micro_staff_funnel"), {"by": "community"}).context["rows"]
    assert [(row["year"], row["street"], row["name"], row["proposed"]) for row in rows] == [
        (2026, "华富街道", "梅岗社区", 1),
        (2025, "华富街道", "梅岗社区", 1),
        (2003, "华富街道", "梅岗社区", 1),
    ]
