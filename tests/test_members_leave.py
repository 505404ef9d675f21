"""Members leave (转出, 出党, 去世) with a reason and a date, through a service and the audit
trail; a member who left is kept but no longer edited, and no list, count, figure, export or
picker counts them unless asked (issue 16, section 4)."""

import io
import json
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from grids.models import AuditEntry, Category, LeftReason, Member, Report
from grids.services import members as member_services
from grids.services import posts as post_services
from portal import stats
from tests.factory_members import make_claim, make_member, make_post, make_report

TODAY = date.today()


@pytest.fixture
def pair(tree):
    """Two in-service members of 第1网格: 王留 stays, 赵走 leaves."""
    stays = make_member(tree.grid1, "王留", category=Category.IN_SERVICE)
    goes = make_member(tree.grid1, "赵走", category=Category.IN_SERVICE)
    return stays, goes


def _changes(member):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Member),
        object_pk=str(member.pk),
        action=AuditEntry.Action.UPDATE,
    )


def test_the_leave_page_records_how_and_when_with_who_in_the_trail(tree, people, client_for, pair):
    _stays, goes = pair
    client = client_for(people.huafu)
    url = reverse("member_leave", args=[goes.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"left_reason": LeftReason.DECEASED, "left_on": "2026-03-01"}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response["Location"] == reverse("member_detail", args=[goes.pk])
    goes.refresh_from_db()
    assert (goes.left_reason, goes.left_on) == (LeftReason.DECEASED, date(2026, 3, 1))
    entry = _changes(goes).get()
    assert entry.actor == people.huafu and entry.remote_addr == "10.1.2.3"
    assert entry.changes["left_reason"][1] == LeftReason.DECEASED and entry.changes["left_on"][1] == "2026-03-01"
    # The member's page shows it, in its 变更记录 too.
    page = client.get(reverse("member_detail", args=[goes.pk])).content.decode()
    assert "2026-03-01" in page and reverse("member_edit", args=[goes.pk]) not in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({"left_reason": "retired", "left_on": "2026-03-01"}, "left_reason"),
        ({"left_reason": LeftReason.LEFT_PARTY, "left_on": (TODAY + timedelta(days=1)).isoformat()}, "left_on"),
        ({"left_reason": LeftReason.LEFT_PARTY, "left_on": "2001-01-01"}, "left_on"),  # before joining (2005)
        ({"left_reason": LeftReason.LEFT_PARTY, "left_on": "2026-02-30"}, "left_on"),
    ],
)
def test_a_bad_reason_or_date_changes_nothing(tree, people, client_for, pair, data, field):
    _stays, goes = pair
    response = client_for(people.huafu).post(reverse("member_leave", args=[goes.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    goes.refresh_from_db()
    assert goes.left_reason == "" and goes.left_on is None and not _changes(goes).exists()


def test_a_member_who_left_cannot_be_edited_moved_reported_or_leave_again(tree, people, client_for, pair):
    _stays, goes = pair
    member_services.leave(members=[goes], reason=LeftReason.TRANSFERRED_OUT, left_on=TODAY, by=people.huafu)
    client = client_for(people.huafu)
    before = Member.objects.filter(pk=goes.pk).values().get()
    for name, data in [
        ("member_edit", {"name": "改回来"}),
        ("member_move", {"to_unit": tree.building1.pk, "moved_on": TODAY.isoformat()}),
        ("member_report", {"building": tree.building1.pk, "reported_on": TODAY.isoformat()}),
        ("member_leave", {"left_reason": LeftReason.DECEASED, "left_on": TODAY.isoformat()}),
        ("member_claim", {"post": make_post(tree.building1).pk, "claimed_on": TODAY.isoformat()}),
    ]:
        url = reverse(name, args=[goes.pk])
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302 and response["Location"] == reverse("member_detail", args=[goes.pk])
    assert Member.objects.filter(pk=goes.pk).values().get() == before
    # The services refuse too, whoever calls them.
    for call in (
        lambda: member_services.move_member(member=goes, to_unit=tree.building1, by=people.huafu),
        lambda: post_services.report_member(member=goes, building=tree.building1, by=people.huafu),
        lambda: member_services.leave(members=[goes], reason=LeftReason.DECEASED, left_on=TODAY, by=people.huafu),
    ):
        with pytest.raises(ValidationError):
            call()


def test_the_admin_shows_a_member_who_left_read_only(tree, people, client_for, pair):
    _stays, goes = pair
    member_services.leave(members=[goes], reason=LeftReason.LEFT_PARTY, left_on=TODAY, by=people.huafu)
    admin = client_for(people.superuser)
    url = reverse("admin:grids_member_change", args=[goes.pk])
    page = admin.get(url).content.decode()
    assert 'name="name"' not in page  # a view page, not a form
    admin.post(url, {"name": "改回来"})
    goes.refresh_from_db()
    assert goes.name == "赵走" and goes.has_left


def test_lists_counts_figures_exports_and_pickers_leave_out_who_left(tree, people, client_for, pair):
    stays, goes = pair
    post = make_post(tree.building1)
    make_claim(post, goes)
    make_report(goes, tree.building1)
    make_report(stays, tree.building1)
    before = stats.build(tree.street1)["members"]
    member_services.leave(members=[goes], reason=LeftReason.TRANSFERRED_OUT, left_on=TODAY, by=people.huafu)
    client = client_for(people.huafu)

    # Figures: staff home's dashboard and /open/stats.json count the members on the books.
    after = stats.build(tree.street1)["members"]
    assert (before["total"], after["total"]) == (2, 1)
    assert (before["reported"], after["reported"]) == (2, 1)
    assert (before["posts_claimed"], after["posts_claimed"]) == (1, 0)
    public = json.loads(client.get(reverse("open_stats")).content)
    assert public["members"]["total"] == 1 and public["members"]["by_category"]["in_service"] == 1
    # The list, its 已离开 filter and everyone.
    listed = client.get(reverse("member_list")).content.decode()
    assert "王留" in listed and "赵走" not in listed
    left = client.get(reverse("member_list"), {"standing": "left"}).content.decode()
    assert "赵走" in left and "王留" not in left
    both = client.get(reverse("member_list"), {"standing": "all"}).content.decode()
    assert "赵走" in both and "王留" in both
    # The export, unless asked.
    names = _export_names(client.get(reverse("member_export", args=[tree.street1.pk])))
    assert "王留" in names and "赵走" not in names
    asked = _export_names(client.get(reverse("member_export", args=[tree.street1.pk]), {"standing": "left"}))
    assert "赵走" in asked and "王留" not in asked
    # Reporting figures, a post's places.
    reporting = client.get(reverse("member_reporting"), {"unit": tree.street1.pk}).context
    assert (reporting["total"], reporting["in_service"]) == (1, 1)
    assert Report.objects.current().count() == 1
    detail = client.get(reverse("post_detail", args=[post.pk])).context
    assert detail["claims"] == [] and detail["free"] == post.capacity
    # Pickers: the volunteer form, the admin's autocomplete.
    form = client.get(reverse("volunteer_staff_volunteer_new")).context["form"]
    assert list(form.fields["member"].queryset) == [stays]
    auto = client_for(people.superuser).get(
        reverse("admin:autocomplete"),
        {"app_label": "grids", "model_name": "report", "field_name": "member", "term": ""},
    )
    assert [row["text"] for row in json.loads(auto.content)["results"]] == ["王留"]


def _export_names(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return {str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row}


def test_all_or_nothing_one_refusal_and_none_leaves(tree, people, pair):
    stays, goes = pair
    late = make_member(tree.grid1, "钱晚", joined_on=date(2026, 1, 1), full_member_on=None, status="probationary")
    with pytest.raises(ValidationError) as refused:
        member_services.leave(members=[stays, late], reason=LeftReason.LEFT_PARTY, left_on=date(2025, 6, 1), by=None)
    assert "钱晚" in str(refused.value.messages)
    assert not Member.objects.departed().exists()
