"""Done when (issue 16): every change to a member, center, unit, fund line, project or account
appears in its 变更记录 with who and what. Each case submits the staff page's own form as the
permission matrix does (tests/matrix.py), then reads the record's page: its 「变更记录」 section
names the user and shows the new value."""

import pytest
from django.urls import reverse

from tests.matrix import ROUTES
from tests.test_permissions import _payload, _record, _tester, _url

CASES = [
    # (route whose form changes the record, the record's page, what the section must show)
    ("member_edit", "member_detail", "改名党员"),
    ("unit_edit", "unit_detail", "改名社区"),
    ("staff_center_edit", "staff_center_detail", "改名中心"),
    ("volunteer_staff_project_edit", "volunteer_staff_project", "改名项目"),
    ("micro_staff_transition", "micro_staff_detail", "50"),  # a milestone: progress 0 → 50
    ("account_edit", "account_detail", "改名同事"),
]


def _history(html):
    assert 'id="audit-history-heading"' in html, "the page has no 变更记录 section"
    return html.split('id="audit-history-heading"', 1)[1]


@pytest.mark.parametrize("edit, page, shown", CASES, ids=[case[0] for case in CASES])
def test_a_staff_edit_shows_in_the_records_history_with_who_and_what(edit, page, shown, world, people, client_for):
    route = ROUTES[edit]
    user = _tester(world, people, route.post)
    client = client_for(user)
    side = world.inside
    data = _payload(client, edit, world, side)
    response = client.post(_url(edit, world, side), data, REMOTE_ADDR="10.7.7.7")
    assert response.status_code == 302, response.content.decode()[:2000]
    record = _record(edit, world, side)
    section = _history(client.get(reverse(page, args=[record.pk])).content.decode())
    assert user.get_username() in section and shown in section


def test_a_fund_line_change_shows_in_its_history(world, people, client_for):
    from projects.models import FundLine

    line = world.inside.records[FundLine]
    admin = client_for(people.superuser)
    data = {
        "category": line.category,
        "unit": line.unit_id,
        "year": line.year,
        "amount": "123456.00",
        "note": line.note,
    }
    assert admin.post(reverse("admin:projects_fundline_change", args=[line.pk]), data).status_code == 302
    client = client_for(world.huafu_admin)
    section = _history(client.get(reverse("micro_staff_fund", args=[line.pk])).content.decode())
    assert "root" in section and "123456.00" in section
