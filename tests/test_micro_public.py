"""Public pages of 民生微实事 (公示): list, downloads, detail, proposal form, tracking."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from projects.models.funnel import MicroFunnelTotal
from projects.models.micro import MicroCategory, MicroProject, MicroStatus
from projects.services import funds as fund_services
from projects.services import micro as services
from tests.factory_micro import accepted, approved, in_progress, make_cap, make_line, make_project, reviewing

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(tree):
    line = make_line(tree.district, amount="10000000.00")
    projects = [
        approved(make_project(tree.community1, title="梅岗楼道照明", proposer_mobile=MOBILE), line),
        in_progress(
            make_project(
                tree.community2, title="狮岭四点半课堂", category=MicroCategory.SERVICES, proposer_mobile=MOBILE
            ),
            line,
        ),
        accepted(
            make_project(tree.community1, title="梅岗长者饭堂", category=MicroCategory.GOODS, proposer_mobile=MOBILE),
            line,
        ),
    ]
    fund_services.record_expenditure(
        project=projects[2], actor=None, amount=Decimal("1234.56"), date=date(2026, 6, 2), payee="饭堂"
    )
    reviewing(make_project(tree.community1, title="还在评议的提议", proposer_mobile=MOBILE))
    return projects


def _body(response):
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
    return response.content.decode("utf-8-sig")


def test_public_list_shows_approved_and_later_only(client, published):
    body = client.get(reverse("micro_list")).content.decode()
    assert "梅岗楼道照明" in body and "狮岭四点半课堂" in body and "梅岗长者饭堂" in body
    assert "还在评议的提议" not in body
    assert "1,234.56" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_progress"}, {"狮岭四点半课堂"}),
        ({"category": "goods"}, {"梅岗长者饭堂"}),
        ({"year": "2018"}, set()),
    ],
)
def test_public_list_filters(client, published, params, expected):
    page = client.get(reverse("micro_list"), params).context["page"]
    assert {p.title for p in page} == expected


@pytest.mark.parametrize("params", [{"status": "nonsense"}, {"category": "<script>"}, {"street": "abc"}])
def test_a_malformed_filter_is_refused_with_its_message(client, published, params):
    # Never silently dropped: the visitor would read an unfiltered list as the filtered one.
    response = client.get(reverse("micro_list"), params)
    assert response.status_code == 400
    assert response.templates[0].name == "bad_request.html"


def test_public_list_filters_by_street_community_and_year(client, tree, published):
    year = published[0].proposed_at.year
    assert {p.title for p in client.get(reverse("micro_list"), {"street": tree.street2.pk}).context["page"]} == {
        "狮岭四点半课堂"
    }
    assert {
        p.title
        for p in client.get(reverse("micro_list"), {"community": tree.community1.pk, "year": year}).context["page"]
    } == {"梅岗楼道照明", "梅岗长者饭堂"}


@pytest.mark.parametrize("extra", [0, 30])
def test_public_list_query_count_is_constant(client, tree, published, django_assert_num_queries, extra):
    line = make_line(tree.district)
    for i in range(extra):
        approved(make_project(tree.community1, title=f"项目{i}"), line)
    # count, page (money as subqueries), streets, communities: whatever the number of rows.
    with django_assert_num_queries(4):
        assert client.get(reverse("micro_list")).status_code == 200


@pytest.mark.parametrize("name", ["micro_csv", "micro_xlsx"])
def test_downloads_list_the_same_projects_without_personal_data(client, published, name):
    response = client.get(reverse(name), {"category": "goods"})
    assert response.status_code == 200
    body = _body(response)
    # Money: two-decimal text with separators in CSV, a number in Excel.
    assert "梅岗长者饭堂" in body and ("1,234.56" if name == "micro_csv" else "1234.56") in body
    assert "梅岗楼道照明" not in body
    assert MOBILE not in body and "张三" not in body
    full = _body(client.get(reverse(name)))
    assert "狮岭四点半课堂" in full and "还在评议的提议" not in full


def test_no_public_page_shows_a_proposers_mobile(client, published):
    pages = [reverse("micro_list"), reverse("micro_csv"), reverse("micro_xlsx"), reverse("open_stats")]
    pages += [reverse("micro_detail", args=[p.pk]) for p in published]
    pages += [reverse("micro_track_code", args=[p.tracking_code]) for p in MicroProject.objects.all()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert MOBILE not in body and "139****5678" not in body, url
        assert "张三" not in body, url


def test_detail_shows_timeline_money_and_milestones(client, published):
    project = published[1]
    services.record_milestone(project=project, actor=None, date=date(2026, 5, 1), title="场地布置完成", progress=40)
    fund_services.record_expenditure(
        project=project, actor=None, amount=Decimal("800.00"), date=date(2026, 5, 2), payee="社工站"
    )
    body = client.get(reverse("micro_detail", args=[project.pk])).content.decode()
    assert "场地布置完成" in body and "40%" in body
    assert "800.00" in body and "社工站" in body
    assert "立项" in body and "实施" in body  # the timeline, in Chinese


def test_detail_of_an_unapproved_project_is_404(client, tree):
    project = reviewing(make_project(tree.community1))
    assert client.get(reverse("micro_detail", args=[project.pk])).status_code == 404


def _proposal(tree, **changes):
    data = {
        "name": "李四",
        "mobile": "13800138000",
        "community": tree.community1.pk,
        "title": "小区门口加装路灯",
        "description": "晚上太黑，老人出门不方便。",
        "category": MicroCategory.WORKS,
        "requested_amount": "30000.00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_resident_proposes_and_follows_the_code_to_approval(client, tree, people, client_for):
    response = client.post(reverse("micro_propose"), _proposal(tree))
    project = MicroProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("micro_track_code", args=[project.tracking_code])
    page = client.get(response["Location"]).content.decode()
    assert project.tracking_code in page and "征集" in page
    assert "13800138000" not in page and "李四" not in page

    staff = client_for(people.huafu)
    line = make_line(tree.district, year=project.funding_year())  # proposed today
    url = reverse("micro_staff_transition", args=[project.pk])
    response = staff.post(url, {"action": "review", "review-note": "提交议事会"})
    assert (response.status_code, response["Location"]) == (302, reverse("micro_staff_detail", args=[project.pk]))
    client.logout()
    assert (
        "评议"
        in client.get(reverse("micro_track") + f"?code={project.tracking_code.lower()}", follow=True).content.decode()
    )

    staff = client_for(people.huafu)
    response = staff.post(
        url,
        {"action": "approve", "approve-amount": "28000.00", "approve-fund_line": line.pk, "approve-resolution": "表决通过",
         "approve-resolution_date": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("micro_staff_detail", args=[project.pk])
    client.logout()
    page = client.get(reverse("micro_track_code", args=[project.tracking_code])).content.decode()
    assert "立项" in page and "表决通过" in page
    project.refresh_from_db()
    assert project.status == MicroStatus.APPROVED and project.approved_amount == Decimal("28000.00")
    assert "小区门口加装路灯" in client.get(reverse("micro_list")).content.decode()


def test_rejection_reason_is_shown_to_the_proposer(client, tree):
    client.post(reverse("micro_propose"), _proposal(tree))
    project = MicroProject.objects.get()
    reviewing(project)
    services.reject(
        project=project,
        actor=None,
        reason="属于物业维修范围",
        resolution="未通过",
        resolution_date=timezone.localdate(),
    )
    page = client.get(reverse("micro_track_code", args=[project.tracking_code])).content.decode()
    assert "未立项" in page and "属于物业维修范围" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"requested_amount": "-100"}, "至少"),
        ({"requested_amount": "0"}, "至少"),
        ({"requested_amount": "99999999999"}, "不能超过"),
        ({"requested_amount": "1e9"}, "不能超过"),
        ({"requested_amount": "abc"}, "数"),
        ({"mobile": "12345"}, "手机"),
        ({"mobile": "23800138000"}, "手机"),
        ({"title": "<script>alert(1)</script>"}, "HTML"),
        ({"description": "好<img src=x onerror=alert(1)>"}, "HTML"),
        ({"name": None}, "必填"),
        ({"title": None}, "必填"),
        ({"community": None}, "必填"),
        ({"community": "999999"}, "选择"),
        ({"category": "bribe"}, "选择"),
        ({"latitude": "22.5"}, "纬度"),
    ],
)
def test_proposal_form_refuses_bad_input_in_chinese(client, tree, changes, message):
    response = client.post(reverse("micro_propose"), _proposal(tree, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not MicroProject.objects.exists()


def test_proposal_form_needs_csrf(tree):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("micro_propose"), _proposal(tree))
    assert response.status_code == 403
    assert not MicroProject.objects.exists()


def test_proposals_are_rate_limited_per_client(client, tree, settings):
    for i in range(5):
        response = client.post(reverse("micro_propose"), _proposal(tree, title=f"提议{i}"))
        code = MicroProject.objects.get(title=f"提议{i}").tracking_code
        assert (response.status_code, response["Location"]) == (302, reverse("micro_track_code", args=[code]))
    response = client.post(reverse("micro_propose"), _proposal(tree, title="第六个"))
    assert response.status_code == 429
    assert "每小时最多 5 个" in response.content.decode()
    assert MicroProject.objects.count() == 5
    # Another address is not affected.
    other = client.post(reverse("micro_propose"), _proposal(tree, title="别处"), REMOTE_ADDR="10.0.0.9")
    code = MicroProject.objects.get(title="别处").tracking_code
    assert (other.status_code, other["Location"]) == (302, reverse("micro_track_code", args=[code]))


def test_a_nearby_similar_open_project_is_shown_before_submitting(client, tree):
    make_project(
        tree.community1, title="小区门口加装路灯", latitude=Decimal("22.550000"), longitude=Decimal("114.080000")
    )
    near = {"latitude": "22.550400", "longitude": "114.080200"}
    response = client.post(reverse("micro_propose"), _proposal(tree, title="门口加装路灯", **near))
    assert response.status_code == 200
    body = response.content.decode()
    assert "100 米内的相似项目" in body and "小区门口加装路灯" in body
    assert MicroProject.objects.count() == 1
    response = client.post(
        reverse("micro_propose"), _proposal(tree, title="门口加装路灯", confirm_duplicate="on", **near)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("micro_track_code", args=[MicroProject.objects.latest("pk").tracking_code])
    assert MicroProject.objects.count() == 2


def test_tracking_an_unknown_or_bad_code(client, db):
    assert client.get(reverse("micro_track_code", args=["MSNOSUCH99"])).status_code == 404
    assert "只包含字母和数字" in client.get(reverse("micro_track"), {"code": "<script>"}).content.decode()


def test_caps_shown_as_a_clear_message_on_the_staff_page(tree, people, client_for):
    make_cap(tree.district, 2026, MicroCategory.SERVICES, "200000.00")
    line = make_line(tree.district)
    project = reviewing(make_project(tree.community1, category=MicroCategory.SERVICES, amount="250000.00"))
    response = client_for(people.huafu).post(
        reverse("micro_staff_transition", args=[project.pk]),
        {"action": "approve", "approve-amount": "250000.00", "approve-fund_line": line.pk, "approve-resolution": "通过",
         "approve-resolution_date": "2026-03-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "上限为 200,000.00 元" in response.content.decode()
    project.refresh_from_db()
    assert project.status == MicroStatus.REVIEWING


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_money_has_two_decimals_and_thousands_separators_in_both_languages(client, tree, people, language):
    line = make_line(tree.district, amount="20000000.00")
    project = in_progress(make_project(tree.community1, title="梅岗楼道照明", amount="140131.04"), line)
    fund_services.record_expenditure(
        project=project, actor=None, amount=Decimal("20000"), date=date(2026, 4, 1), payee="物业"
    )
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    pages = [reverse("micro_list"), reverse("micro_detail", args=[project.pk])]
    for url in pages:
        body = client.get(url).content.decode()
        assert f'lang="{"zh-CN" if language == "zh-hans" else "en"}"' in body
        assert "140,131.04" in body, url
        assert "20,000.00" in body, url
        assert "140131.04" not in body and "20000.00" not in body, url
    client.force_login(people.district_admin)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    staff_pages = {
        reverse("micro_staff_list"): ["140,131.04", "20,000.00"],
        reverse("micro_staff_funnel"): ["140,131.04", "20,000.00"],
        reverse("micro_staff_funds"): ["20,000,000.00", "19,859,868.96"],
        reverse("micro_staff_spending", args=[project.pk]): ["140,131.04", "20,000.00"],
        reverse("staff_home"): ["140,131.04", "20,000.00"],
    }
    for url, figures in staff_pages.items():
        body = client.get(url).content.decode()
        for figure in figures:
            assert figure in body, (url, figure)


def test_downloads_get_money_as_decimal_for_the_writer_to_format(tree, people):
    """The writers (portal/core/exports.py) format Decimal as money: never a float or a string."""
    from projects.stats.micro import funnel_rows
    from projects.views.micro import download_rows
    from projects.views.micro_staff import _funnel_sheet

    line = make_line(tree.district)
    paid = in_progress(make_project(tree.community1, title="已付款", amount="150000.00"), line)
    fund_services.record_expenditure(
        project=paid, actor=None, amount=Decimal("140131.04"), date=date(2026, 4, 1), payee="物业"
    )
    approved(make_project(tree.community2, title="未付款"), line)  # nothing spent: 0.00, still Decimal
    header, *rows = download_rows(MicroProject.objects.public().for_listing())
    money = [header.index(name) for name in ("立项金额（元）", "已支出（元）", "社会投入（元）")]
    assert len(rows) == 2
    for row in rows:
        assert all(type(row[i]) is Decimal for i in money), row
    assert {row[3]: row[money[1]] for row in rows} == {"已付款": Decimal("140131.04"), "未付款": Decimal("0")}
    _head, *sheet = _funnel_sheet(funnel_rows(MicroFunnelTotal.objects.all()), "street")
    assert len(sheet) == 2
    for row in sheet:
        assert type(row[-1]) is Decimal and type(row[-2]) is Decimal, row
