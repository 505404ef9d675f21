"""Staff pages for members: list with filters, create, edit, move, reporting, posts, reveal, masking, scope."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import (
    Category,
    Gender,
    Member,
    MemberMove,
    MemberStatus,
    PersonalDataReveal,
    PostClaim,
    Report,
    ServicePost,
)
from grids.scope import scope_for
from grids.services import members as member_services
from grids.services.members_export_job import member_filter_form
from tests.asserts import assert_redirects_to
from tests.factory_members import make_claim, make_member, make_post, make_report, next_identity


@pytest.fixture
def inside(tree):
    return make_member(
        tree.grid1,
        "李红",
        gender=Gender.FEMALE,
        birth=date(1996, 3, 4),
        joined_on=date(2018, 7, 1),
        full_member_on=date(2019, 7, 1),
        category=Category.IN_SERVICE,
    )


@pytest.fixture
def outside(tree):
    return make_member(tree.grid2, "王外街")


def _text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_list_shows_the_scope_only_and_masks(tree, people, client_for, inside, outside):
    html = _text(client_for(people.huafu).get(reverse("member_list")))
    assert "李红" in html and "王外街" not in html
    assert inside.id_card_masked in html and inside.reveal_id_card() not in html
    assert inside.reveal_mobile() not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "红"}, {"李红"}),
        ({"category": Category.IN_SERVICE}, {"李红"}),
        ({"category": Category.REGISTERED}, {"赵老", "钱预备"}),
        ({"status": MemberStatus.PROBATIONARY}, {"钱预备"}),
        ({"age": "u35"}, {"李红"}),
        ({"age": "80"}, {"赵老"}),
        ({"joined_year": "2005"}, {"赵老"}),
        ({"joined_year": "2018"}, {"李红"}),
    ],
)
def test_list_filters(params, expected, tree, people, client_for, inside):
    make_member(tree.building1, "赵老", birth=date(1930, 1, 2))
    make_member(
        tree.grid1,
        "钱预备",
        birth=date(1970, 1, 2),
        joined_on=date(2024, 1, 5),
        full_member_on=None,
        status=MemberStatus.PROBATIONARY,
    )
    response = client_for(people.huafu).get(reverse("member_list"), params)
    names = {member.name for member in response.context["page"]}
    assert names == expected


def test_list_filter_by_unit_subtree(tree, people, client_for, inside, outside):
    response = client_for(people.superuser).get(reverse("member_list"), {"unit": tree.street2.pk})
    assert {m.name for m in response.context["page"]} == {"王外街"}
    # A unit outside the scope is not a valid choice: nothing rather than everything.
    response = client_for(people.huafu).get(reverse("member_list"), {"unit": tree.street2.pk})
    assert list(response.context["page"]) == []


def test_list_query_count_is_constant(tree, people, client_for):
    client = client_for(people.huafu)
    make_member(tree.grid1, "一")
    client.get(reverse("member_list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("member_list"))
    for n in range(30):
        make_member(tree.building1 if n % 2 else tree.grid1, f"多{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("member_list"))
    assert len(many) == len(few)
    assert len(many) <= 12


def test_list_count_from_the_kept_counts_equals_the_records(tree, people, client_for, inside, outside):
    make_member(tree.building1, "赵老", category=Category.IN_SERVICE)
    gone = make_member(tree.grid1, "孙离开")
    member_services.leave(members=[gone], reason="transferred_out", left_on=date(2026, 1, 5), by=people.huafu)
    cases = [
        (people.huafu, {}),
        (people.huafu, {"category": Category.IN_SERVICE}),
        (people.huafu, {"unit": tree.community1.pk}),
        (people.superuser, {}),
        (people.superuser, {"unit": tree.street2.pk, "category": Category.REGISTERED}),
        (people.huafu, {"q": "李"}),
        (people.huafu, {"standing": "all"}),
    ]
    for user, params in cases:
        form = member_filter_form(scope_for(user), params)
        expected = form.filter(Member.objects.visible_to(user)).count()
        with CaptureQueriesContext(connection) as queries:
            response = client_for(user).get(reverse("member_list"), params)
        assert response.context["page"].paginator.count == expected, (user, params)
        counted = [q["sql"] for q in queries if "COUNT(" in q["sql"] and '"grids_member"' in q["sql"]]
        # Members on the books by unit and category: the kept counts, no COUNT over the members.
        assert bool(counted) == bool({"q", "standing"} & set(params)), (user, params)


def test_create_derives_birth_and_gender_from_the_number(tree, people, client_for):
    id_card, mobile = next_identity(date(1985, 6, 7), Gender.FEMALE)
    data = {
        "name": "孙新",
        "id_card": id_card,
        "mobile": mobile,
        "ethnicity": "汉族",
        "joined_on": "2010-07-01",
        "full_member_on": "2011-07-01",
        "status": MemberStatus.FULL,
        "category": Category.REGISTERED,
        "unit": tree.grid1.pk,
    }
    response = client_for(people.huafu).post(reverse("member_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    member = Member.objects.get(name="孙新")
    assert response["Location"] == reverse("member_detail", args=[member.pk])
    assert member.gender == Gender.FEMALE and member.birth_date == date(1985, 6, 7)
    assert member.reveal_id_card() == id_card


def test_the_form_records_a_landline_and_dates_known_to_the_month(tree, people, client_for, inside):
    # What the national roster import records, the form records too (issue 10).
    data = {
        "name": inside.name,
        "gender": inside.gender,
        "birth_date": inside.birth_date.isoformat(),
        "ethnicity": "汉族",
        "phone": "0755-83345678",
        "joined_on": "2018-07-01",
        "joined_on_approximate": "on",
        "full_member_on": "2019-07-01",
        "status": MemberStatus.FULL,
        "category": inside.category,
        "unit": inside.unit_id,
    }
    client = client_for(people.huafu)
    response = client.post(reverse("member_edit", args=[inside.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    inside.refresh_from_db()
    assert inside.phone_masked == "0755*******78"
    assert (inside.joined_on_approximate, inside.full_member_on_approximate) == (True, False)
    page = _text(client.get(reverse("member_detail", args=[inside.pk])))
    assert "2018-07 （仅到月）" in page and "0755*******78" in page
    form = client.post(reverse("member_edit", args=[inside.pk]), data | {"phone": "12"}).context["form"]
    assert "phone" in form.errors


def test_create_refuses_disagreement_duplicates_and_other_streets(tree, people, client_for, inside):
    id_card, _mobile = next_identity(date(1985, 6, 7), Gender.FEMALE)
    base = {
        "name": "孙新",
        "ethnicity": "汉族",
        "joined_on": "2010-07-01",
        "status": MemberStatus.FULL,
        "category": Category.REGISTERED,
        "unit": tree.grid1.pk,
    }
    client = client_for(people.huafu)
    form = client.post(reverse("member_create"), base | {"id_card": id_card, "gender": Gender.MALE}).context["form"]
    assert "gender" in form.errors
    form = client.post(reverse("member_create"), base | {"id_card": inside.reveal_id_card()}).context["form"]
    assert "id_card" in form.errors
    form = client.post(reverse("member_create"), base | {"id_card": id_card, "unit": tree.grid2.pk}).context["form"]
    assert "unit" in form.errors
    form = client.post(reverse("member_create"), base | {"id_card": id_card, "mobile": "123"}).context["form"]
    assert "mobile" in form.errors
    # A page re-rendered with errors never echoes a stored number.
    assert Member.objects.count() == 1


def test_edit_keeps_the_number_when_left_empty(tree, people, client_for, inside):
    number = inside.reveal_id_card()
    data = {
        "name": "李红梅",
        "gender": inside.gender,
        "birth_date": "1996-03-04",
        "ethnicity": "汉族",
        "mobile": "13922223333",
        "joined_on": "2018-07-01",
        "full_member_on": "2019-07-01",
        "status": MemberStatus.FULL,
        "category": Category.IN_SERVICE,
    }
    client = client_for(people.huafu)
    html = _text(client.get(reverse("member_edit", args=[inside.pk])))
    assert number not in html and inside.reveal_mobile() not in html
    response = client.post(reverse("member_edit", args=[inside.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("member_detail", args=[inside.pk])
    inside.refresh_from_db()
    assert inside.name == "李红梅" and inside.reveal_id_card() == number and inside.reveal_mobile() == "13922223333"


def test_move_keeps_history(tree, people, client_for, inside):
    client = client_for(people.huafu)
    response = client.post(
        reverse("member_move", args=[inside.pk]),
        {"to_unit": tree.building1.pk, "moved_on": "2025-01-02", "note": "搬家"},
    )
    assert_redirects_to(response, reverse("member_detail", args=[inside.pk]))
    move = MemberMove.objects.get(member=inside)
    assert (move.from_unit, move.to_unit, move.moved_by, move.moved_on) == (
        tree.grid1,
        tree.building1,
        people.huafu,
        date(2025, 1, 2),
    )
    assert "搬家" in _text(client.get(reverse("member_detail", args=[inside.pk])))
    # Not into another street.
    response = client.post(
        reverse("member_move", args=[inside.pk]), {"to_unit": tree.grid2.pk, "moved_on": "2025-01-03"}
    )
    assert response.status_code == 200 and "to_unit" in response.context["form"].errors


def test_reporting_and_counts(tree, people, client_for, inside):
    client = client_for(people.huafu)
    response = client.post(
        reverse("member_report", args=[inside.pk]), {"building": tree.building1.pk, "reported_on": "2025-03-01"}
    )
    assert_redirects_to(response, reverse("member_detail", args=[inside.pk]))
    assert Report.objects.get(member=inside).building == tree.building1
    registered = make_member(tree.grid1, "在册人")
    response = client.post(
        reverse("member_report", args=[registered.pk]), {"building": tree.building1.pk, "reported_on": "2025-03-01"}
    )
    assert response.status_code == 200 and not Report.objects.filter(member=registered).exists()
    response = client.get(reverse("member_reporting"))
    assert response.context["rows"] == [(tree.community1, 1)]
    response = client.get(reverse("member_reporting"), {"unit": tree.grid1.pk})
    assert response.context["rows"] == [(tree.building1, 1)]
    assert client_for(people.lianhua).get(reverse("member_reporting"), {"unit": tree.grid1.pk}).context["total"] == 0


def test_claims_stop_at_capacity(tree, people, client_for, inside):
    post = make_post(tree.building1, capacity=1)
    other = make_member(tree.grid1, "周二")
    client = client_for(people.huafu)
    response = client.post(reverse("member_claim", args=[inside.pk]), {"post": post.pk, "claimed_on": "2025-01-01"})
    assert_redirects_to(response, reverse("member_detail", args=[inside.pk]))
    response = client.post(reverse("member_claim", args=[other.pk]), {"post": post.pk, "claimed_on": "2025-01-01"})
    assert response.status_code == 200 and "post" in response.context["form"].errors
    assert PostClaim.objects.filter(post=post).count() == 1
    claim = PostClaim.objects.get(post=post)
    assert_redirects_to(client.post(reverse("claim_release", args=[claim.pk])), reverse("post_detail", args=[post.pk]))
    assert not PostClaim.objects.exists()


def test_post_create(tree, people, client_for):
    client = client_for(people.huafu)
    data = {"unit": tree.community1.pk, "kind": "care", "name": "关爱帮扶岗", "capacity": 3}
    response = client.post(reverse("post_create"), data)
    assert_redirects_to(response, reverse("post_detail", args=[ServicePost.objects.get(name="关爱帮扶岗").pk]))
    data = {"unit": tree.grid1.pk, "kind": "care", "name": "网格岗", "capacity": 3}
    assert "unit" in client.post(reverse("post_create"), data).context["form"].errors
    data = {"unit": tree.community1.pk, "kind": "care", "name": "零岗", "capacity": 0}
    assert "capacity" in client.post(reverse("post_create"), data).context["form"].errors


def test_reveal_only_for_an_administrator_who_asks_and_recorded(tree, people, client_for, inside):
    number = inside.reveal_id_card()
    url = reverse("member_reveal", args=[inside.pk])
    assert client_for(people.huafu).post(url).status_code == 403
    assert client_for(people.viewer).post(url).status_code == 403
    client = client_for(people.district_admin)
    assert number not in _text(client.get(reverse("member_detail", args=[inside.pk])))
    assert number not in _text(client.get(url))  # the confirmation page
    assert not PersonalDataReveal.objects.exists()
    response = client.post(url)
    assert number in _text(response) and inside.reveal_mobile() in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.user, reveal.member, reveal.kind) == (people.district_admin, inside, "page")


def test_no_member_facing_page_shows_a_full_number(tree, people, client_for, inside):
    """Every page that shows a member, rendered for the most privileged user who did not ask."""
    post = make_post(tree.building1)
    claim = make_claim(post, inside)
    make_report(inside, tree.building1)
    admin_client = client_for(people.superuser)
    urls = [
        reverse("member_list"),
        reverse("member_detail", args=[inside.pk]),
        reverse("member_edit", args=[inside.pk]),
        reverse("member_move", args=[inside.pk]),
        reverse("member_report", args=[inside.pk]),
        reverse("member_claim", args=[inside.pk]),
        reverse("member_reveal", args=[inside.pk]),
        reverse("member_reporting"),
        reverse("post_list"),
        reverse("post_detail", args=[post.pk]),
        reverse("claim_release", args=[claim.pk]),
        reverse("member_create"),
        reverse("member_import"),
        reverse("admin:grids_member_changelist"),
        reverse("admin:grids_member_change", args=[inside.pk]),
        reverse("admin:grids_postclaim_changelist"),
        reverse("admin:grids_postclaim_change", args=[claim.pk]),
        reverse("admin:grids_report_changelist"),
        reverse("open_stats"),
        reverse("home"),
    ]
    secrets = [
        inside.reveal_id_card(),
        inside.reveal_mobile(),
        inside.reveal_id_card()[6:14] + inside.reveal_id_card()[14:],
    ]
    for url in urls:
        html = _text(admin_client.get(url))
        for secret in secrets:
            assert secret not in html, url
    assert not PersonalDataReveal.objects.exists()


def test_admin_search_by_name_and_masked_list(tree, people, client_for, inside, outside):
    response = client_for(people.huafu).get(reverse("admin:grids_member_changelist"), {"q": "李"})
    assert [m.name for m in response.context["cl"].result_list] == ["李红"]
    assert inside.id_card_masked in response.content.decode()


def test_a_staffer_of_another_street_gets_nothing(tree, people, client_for, inside):
    client = client_for(people.lianhua)
    for name in ("member_detail", "member_edit", "member_move", "member_report", "member_claim", "member_reveal"):
        url = reverse(name, args=[inside.pk])
        assert client.get(url).status_code == 404, url
        # The detail page only shows: a POST is refused (405) before any record is looked up.
        assert client.post(url, {}).status_code == (405 if name == "member_detail" else 404), url
    assert "李红" not in _text(client.get(reverse("member_list")))
    assert client.get(reverse("member_export", args=[tree.street1.pk])).status_code == 404
    assert client.get(reverse("member_import_template", args=[tree.street1.pk])).status_code == 404
    assert client.get(reverse("admin:grids_member_change", args=[inside.pk])).status_code == 404
    inside.refresh_from_db()
    assert inside.unit == tree.grid1


def test_the_reveal_audit_trail_is_for_administrators(tree, people, client_for, inside):
    client_for(people.district_admin).post(reverse("member_reveal", args=[inside.pk]))
    url = reverse("admin:grids_personaldatareveal_changelist")
    assert client_for(people.huafu).get(url).status_code == 403
    response = client_for(people.district_admin).get(url)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 1


def test_every_row_shows_its_unit_path(tree, people, client_for):
    for name in ("甲", "乙", "丙"):
        make_member(tree.grid1, name)
    html = _text(client_for(people.huafu).get(reverse("member_list")))
    assert html.count("福田区 / 华富街道 / 梅岗社区 / 第1网格") == 3
    post_html = None
    for n in range(2):
        make_post(tree.building1, f"岗位{n}")
    post_html = _text(client_for(people.huafu).get(reverse("post_list")))
    assert post_html.count("福田区 / 华富街道 / 梅岗社区 / 第1网格 / 11栋") == 2


def test_a_form_with_errors_keeps_the_typed_number_in_its_field_only(tree, people, client_for):
    id_card, mobile = next_identity(date(1985, 6, 7), Gender.FEMALE)
    data = {"name": "", "id_card": id_card, "mobile": mobile, "joined_on": "2010-07-01", "unit": tree.grid1.pk}
    response = client_for(people.huafu).post(reverse("member_create"), data)
    html = _text(response)
    assert "name" in response.context["form"].errors
    # Typed again by nobody (issue 13), echoed nowhere else (not in the error summary).
    assert html.count(id_card) == 1 and f'name="id_card" value="{id_card}"' in html
    assert html.count(mobile) == 1 and f'name="mobile" value="{mobile}"' in html


@pytest.mark.parametrize("name", ["post_list", "member_reporting"])
def test_other_list_pages_have_a_constant_query_count(name, tree, people, client_for):
    client = client_for(people.huafu)

    def grow(n):
        for i in range(n):
            member = make_member(tree.building1, f"报到{name}{i}{n}", category=Category.IN_SERVICE)
            make_report(member, tree.building1)
            make_claim(make_post(tree.building1, f"岗{i}-{n}"), member)

    grow(1)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    grow(20)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name))
    assert len(many) == len(few) <= 12


def test_admin_checks_reports_and_posts(tree, people, client_for):
    registered = make_member(tree.grid1, "在册人")
    client = client_for(people.huafu)
    response = client.post(
        reverse("admin:grids_report_add"),
        {"member": registered.pk, "building": tree.grid1.pk, "reported_on": "2025-01-01"},
    )
    assert response.status_code == 200 and set(response.context["adminform"].form.errors) == {"member", "building"}
    response = client.post(
        reverse("admin:grids_servicepost_add"),
        {"unit": tree.grid1.pk, "kind": "care", "name": "网格岗", "capacity": 2},
    )
    assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
    assert not Report.objects.exists()
