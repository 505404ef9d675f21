"""Forms that help instead of losing input (issue 13): an invalid POST of each big form comes
back with every value typed still in its field (personal numbers included, and nowhere else on
the page) and one error summary at the top (role=alert, focusable) linking to each field with an
error. The browser side (focus, links) is in tests/test_form_errors_browser.py."""

from datetime import date

import pytest
from django.urls import reverse

from grids.models import Demand, Gender, Member
from projects.models import Activity, MicroProject, Volunteer
from tests import factory_demands as fd
from tests.factory_members import next_identity
from tests.factory_volunteer import make_project
from tests.html_forms import error_summary, form_to

pytestmark = pytest.mark.django_db


def _back(response, url):
    """(what the browser would submit again from the page, the page's error summary)."""
    assert response.status_code == 200
    html = response.content.decode()
    attrs, items = error_summary(html)
    assert attrs is not None, "no error summary"
    assert attrs["role"] == "alert" and attrs["tabindex"] == "-1"
    return form_to(html, url, url).data, items, html


def _wrong_check_digit(number):
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def test_member_form_keeps_every_value_and_says_what_is_wrong_at_the_top(tree, people, client_for):
    good, mobile = next_identity(date(1985, 6, 7), Gender.FEMALE)
    id_card = _wrong_check_digit(good)
    typed = {
        "name": "孙新",
        "id_card": id_card,
        "mobile": mobile,
        "ethnicity": "汉族",
        "joined_on": "2010-07-01",
        "status": "full",
        "category": "registered",
        "workplace": "华富小学",
        "address": "梅岗南街3号",
        "unit": str(tree.grid1.pk),
    }
    url = reverse("member_create")
    data, items, html = _back(client_for(people.huafu).post(url, typed), url)
    for name, value in typed.items():
        assert data[name] == [value], name
    # Only the number is wrong: gender and birth date, left empty, come from it once it is right.
    assert [href for href, _text in items] == ["#id_id_card"]
    assert items[0][1] == "公民身份号码：身份证号码的校验位不正确，请核对号码。"
    # The numbers typed sit in their fields and nowhere else on the page.
    assert html.count(id_card) == 1 and html.count(mobile) == 1
    assert f'value="{id_card}"' in html
    assert not Member.objects.exists()


def test_member_edit_never_renders_the_stored_numbers(tree, people, client_for):
    from tests.factory_members import make_member

    member = make_member(tree.grid1, "李红")
    html = client_for(people.huafu).get(reverse("member_edit", args=[member.pk])).content.decode()
    assert member.reveal_id_card() not in html and member.reveal_mobile() not in html
    assert error_summary(html) == (None, [])


def test_a_personal_number_field_renders_no_initial_value(tree):
    from grids.forms.members import MemberForm

    form = MemberForm(initial={"id_card": "110105194912310029", "mobile": "13800138000"})
    assert "110105194912310029" not in str(form["id_card"]) and "13800138000" not in str(form["mobile"])


def test_volunteer_form_keeps_what_was_typed(tree, people, client_for):
    typed = {"unit": str(tree.community1.pk), "name": "王芳", "mobile": "1380013800", "registered_on": "2026-03-01"}
    url = reverse("volunteer_staff_volunteer_new")
    data, items, _html = _back(client_for(people.huafu).post(url, typed), url)
    for name, value in typed.items():
        assert data[name] == [value], name
    assert [href for href, _text in items] == ["#id_mobile"]
    assert not Volunteer.objects.exists()


def test_activity_form_keeps_what_was_typed(tree, people, client_for):
    project = make_project(tree.community1)
    typed = {"title": "社区义诊", "address": "梅岗南街1号", "capacity": "8", "description": "量血压、测血糖。"}
    # It ends before it starts.
    typed |= {"starts_at": "2031-06-02T14:00", "ends_at": "2031-06-02T13:30", "signup_deadline": "2031-06-01T20:00"}
    url = reverse("volunteer_staff_activity_new", args=[project.pk])
    data, items, _html = _back(client_for(people.huafu).post(url, typed), url)
    for name, value in typed.items():
        assert data[name] == [value], name
    assert items == [("#id_ends_at", "结束时间：活动结束时间须晚于开始时间。")]
    assert not Activity.objects.exists()


def test_micro_project_proposal_keeps_what_was_typed(client, tree):
    typed = {
        "name": "李四",
        "mobile": "13800138000",
        "community": str(tree.community1.pk),
        "title": "小区门口加装路灯",
        "description": "晚上太黑，老人出门不方便。",
        "category": "works",
        "requested_amount": "-100",
    }
    url = reverse("micro_propose")
    data, items, _html = _back(client.post(url, typed), url)
    for name, value in typed.items():
        assert data[name] == [value], name
    assert [href for href, _text in items] == ["#id_requested_amount"]
    assert not MicroProject.objects.exists()


def test_demand_intake_keeps_what_was_typed_and_lists_every_problem(client, tree):
    typed = {
        "category": str(fd.category(tree.community1).pk),
        "title": "路灯不亮",
        "description": "小区门口路灯坏了一周。",
        "community": str(tree.community1.pk),
        "name": "赵六六",
        "mobile": "1391234567",
        "publish": "on",
    }
    url = reverse("demand_new")
    data, items, _html = _back(client.post(url, {**typed, "latitude": "95"}), url)
    for name, value in typed.items():
        assert data[name] == [value], name
    # The hidden latitude has no field to move to: its message still names it.
    assert [href for href, _text in items] == ["", "#id_mobile"]
    assert items[0][1].startswith("纬度")
    assert not Demand.objects.exists()


def test_a_formset_error_names_its_row_and_links_to_the_field(tree, people, client_for):
    from tests.factory_centers import make_center

    center = make_center(tree.community1)
    url = reverse("staff_center_edit", args=[center.pk])
    client = client_for(people.huafu)
    data = form_to(client.get(url).content.decode(), url, url).data
    data["hours-0-opens"], data["hours-0-closes"] = ["18:00"], ["09:00"]
    _data, items, _html = _back(client.post(url, data), url)
    row = [(href, text) for href, text in items if text.startswith("第 1 行")]
    assert row == [("#id_hours-0-weekday", "第 1 行：关闭时间必须晚于开放时间。")]


def test_a_page_without_errors_has_no_summary(client, tree):
    assert error_summary(client.get(reverse("micro_propose")).content.decode()) == (None, [])
    assert error_summary(client.get(reverse("demand_new")).content.decode()) == (None, [])
