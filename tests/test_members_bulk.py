"""The member list's actions on ticked members: mark as left, move, report to a building group,
export. Scoped, CSRF-protected, a confirmation page first, all or nothing, each change recorded
by the workflow that makes it for one member."""

import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from grids.models import AuditEntry, AuditKind, Category, LeftReason, Member, MemberMove, Report
from grids.services.members_bulk import MAX_SELECTED
from tests.factory_members import make_member

TODAY = date.today().isoformat()
URL = "/staff/members/bulk/"


@pytest.fixture
def three(tree):
    return [make_member(tree.grid1, name, category=Category.IN_SERVICE) for name in ("甲一", "乙二", "丙三")]


def _post(client, action, members, **extra):
    return client.post(reverse("member_bulk"), {"action": action, "members": [m.pk for m in members], **extra})


def _snapshot():
    return (
        list(Member.objects.order_by("pk").values()),
        MemberMove.objects.count(),
        Report.objects.count(),
    )


def test_the_route_is_where_the_list_posts(tree, people, client_for, three):
    assert reverse("member_bulk") == URL
    page = client_for(people.huafu).get(reverse("member_list")).content.decode()
    assert f'action="{URL}"' in page and f'name="members" value="{three[0].pk}"' in page


def test_leave_asks_for_confirmation_then_changes_every_member_recorded(tree, people, client_for, three):
    client = client_for(people.huafu)
    before = _snapshot()
    confirm = _post(client, "leave", three[:2])
    assert confirm.status_code == 200 and _snapshot() == before  # the confirmation page changes nothing
    page = confirm.content.decode()
    assert "甲一" in page and "乙二" in page and "丙三" not in page and 'name="left_reason"' in page
    done = _post(client, "leave", three[:2], confirm="1", left_reason=LeftReason.TRANSFERRED_OUT, left_on=TODAY)
    assert done.status_code == 302 and done["Location"] == reverse("member_list")
    assert set(Member.objects.departed().values_list("name", flat=True)) == {"甲一", "乙二"}
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Member), kind=AuditKind.CHANGE, action=AuditEntry.Action.UPDATE
    )
    assert sorted(entries.values_list("object_repr", "actor")) == [("乙二", people.huafu.pk), ("甲一", people.huafu.pk)]


def test_move_goes_through_the_move_service_and_its_history(tree, people, client_for, three):
    client = client_for(people.huafu)
    done = _post(client, "move", three, confirm="1", to_unit=tree.building1.pk, moved_on=TODAY, note="整建制调整")
    assert done.status_code == 302
    assert set(Member.objects.values_list("unit", flat=True)) == {tree.building1.pk}
    moves = MemberMove.objects.filter(note="整建制调整", moved_by=people.huafu, from_unit=tree.grid1)
    assert moves.count() == 3


def test_report_is_all_or_nothing_and_names_every_refused_member(tree, people, client_for, three):
    registered = make_member(tree.grid1, "丁四", category=Category.REGISTERED)
    client = client_for(people.huafu)
    before = _snapshot()
    refused = _post(client, "report", [*three, registered], confirm="1", building=tree.building1.pk, reported_on=TODAY)
    assert refused.status_code == 400 and "丁四" in refused.content.decode()
    assert _snapshot() == before
    done = _post(client, "report", three, confirm="1", building=tree.building1.pk, reported_on=TODAY)
    assert done.status_code == 302
    assert set(Report.objects.values_list("member__name", "building")) == {
        (name, tree.building1.pk) for name in ("甲一", "乙二", "丙三")
    }


def test_a_move_that_fails_for_one_rolls_back_the_others(tree, people, client_for, three):
    Member.objects.filter(pk=three[2].pk).update(unit=tree.building1)  # already there: refused
    before = _snapshot()
    response = _post(client_for(people.huafu), "move", three, confirm="1", to_unit=tree.building1.pk, moved_on=TODAY)
    assert response.status_code == 400 and "丙三" in response.content.decode()
    assert _snapshot() == before


def test_export_selected_is_the_masked_member_export_recorded(tree, people, client_for, three):
    response = _post(client_for(people.huafu), "export", three[:2])
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row}
    assert {"甲一", "乙二"} <= cells and "丙三" not in cells
    assert three[0].id_card_masked in cells and three[0].id_card.reveal() not in cells
    assert AuditEntry.objects.filter(kind=AuditKind.EXPORT, actor=people.huafu).exists()


def test_scope_role_and_bad_selections_change_nothing(tree, people, client_for, three):
    outside = make_member(tree.grid2, "外街")
    before = _snapshot()
    huafu = client_for(people.huafu)
    # Another street's member is not a choice: refused, nothing changed, not even for those in scope.
    response = _post(huafu, "leave", [three[0], outside], confirm="1", left_reason="deceased", left_on=TODAY)
    assert response.status_code == 400 and "外街" not in response.content.decode()
    # Nothing ticked, no action, garbage ids, too many.
    for data in (
        {"action": "leave"},
        {"members": [three[0].pk]},
        {"action": "erase", "members": [three[0].pk]},
        {"action": "leave", "members": ["1e9", "-1", "９"]},
        {"action": "leave", "members": [str(three[0].pk)] * (MAX_SELECTED + 1)},
    ):
        assert huafu.post(reverse("member_bulk"), data).status_code == 400, data
    # A bad detail on the confirmation: the page again, with the error.
    bad = _post(huafu, "leave", three, confirm="1", left_reason="deceased", left_on="2026-13-01")
    assert bad.status_code == 400 and bad.context["details"].errors.get("left_on")
    # 查看 may export, not change (the same client, signed in again as 查看).
    viewer = client_for(people.viewer)
    assert _post(viewer, "move", three, confirm="1", to_unit=tree.building1.pk, moved_on=TODAY).status_code == 403
    assert _post(viewer, "export", three).status_code == 200
    assert _snapshot() == before


def test_csrf_is_required(tree, people, three):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.huafu)
    response = _post(client, "leave", three, confirm="1", left_reason="deceased", left_on=TODAY)
    assert response.status_code == 403 and not Member.objects.departed().exists()
