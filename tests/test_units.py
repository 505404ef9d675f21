"""Staff pages for the tree: scoped lists, creating and moving units."""

from decimal import Decimal

from django.urls import reverse

from grids.models import Level, Unit
from tests.asserts import assert_redirects_to
from tests.factory import make_unit


def test_unit_list_shows_only_the_users_subtree(tree, people, client_for):
    body = client_for(people.huafu).get(reverse("unit_list")).content.decode()
    assert "梅岗社区" in body
    assert "狮岭社区" not in body
    assert "莲花街道" not in body


def test_unit_list_runs_a_constant_number_of_queries(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_admin)
    client.get(reverse("unit_list"))  # warm up the session
    for index in range(30):
        make_unit(Level.GRID, f"加网格{index}", tree.community1)
    with django_assert_max_num_queries(8):
        client.get(reverse("unit_list"))


def test_staffer_creates_a_community_in_their_street(tree, people, client_for):
    client = client_for(people.huafu)
    url = reverse("unit_create", kwargs={"parent_pk": tree.street1.pk})
    response = client.post(url, {"parent": tree.street1.pk, "name": "新社区", "org_name": "新社区党委", "code": ""})
    unit = Unit.objects.get(name="新社区")
    assert_redirects_to(response, reverse("unit_detail", args=[unit.pk]))
    assert unit.level == Level.COMMUNITY and unit.parent == tree.street1


def test_staffer_cannot_create_under_another_street_by_tampering(tree, people, client_for):
    client = client_for(people.huafu)
    url = reverse("unit_create", kwargs={"parent_pk": tree.street1.pk})
    response = client.post(url, {"parent": tree.street2.pk, "name": "偷渡社区", "org_name": "", "code": ""})
    assert response.status_code == 200  # the form refuses the choice
    assert "选择一个有效的选项" in response.content.decode()
    assert not Unit.objects.filter(name="偷渡社区").exists()


def test_staffer_cannot_move_a_unit_out_of_their_subtree(tree, people, client_for):
    client = client_for(people.huafu)
    url = reverse("unit_edit", kwargs={"unit_pk": tree.grid1.pk})
    response = client.post(
        url, {"parent": tree.community2.pk, "name": "第1网格", "org_name": "x", "org_kind": "grid_branch"}
    )
    assert response.status_code == 200
    tree.grid1.refresh_from_db()
    assert tree.grid1.parent == tree.community1


def test_district_admin_moves_a_grid_between_streets(tree, people, client_for):
    client = client_for(people.district_admin)
    url = reverse("unit_edit", kwargs={"unit_pk": tree.grid1.pk})
    data = {"parent": tree.community2.pk, "name": "第2网格", "org_name": "x", "org_kind": "grid_branch"}
    assert_redirects_to(client.post(url, data), reverse("unit_detail", args=[tree.grid1.pk]))
    tree.building1.refresh_from_db()
    assert tree.building1.is_within(tree.street2)


def test_a_street_staffer_edits_their_street_but_cannot_move_it(tree, people, client_for):
    client = client_for(people.huafu)
    url = reverse("unit_edit", kwargs={"unit_pk": tree.street1.pk})
    data = {"parent": tree.district.pk, "name": "华富街道", "org_name": "华富街道党工委", "code": "440304008"}
    assert_redirects_to(client.post(url, data), reverse("unit_detail", args=[tree.street1.pk]))
    tree.street1.refresh_from_db()
    assert tree.street1.org_name == "华富街道党工委"


def test_wrong_coordinates_get_a_chinese_message(tree, people, client_for):
    client = client_for(people.huafu)
    url = reverse("unit_edit", kwargs={"unit_pk": tree.building1.pk})
    data = {
        "parent": tree.grid1.pk,
        "name": "11栋",
        "org_name": "",
        "org_kind": "building_group",
        "latitude": "95",
        "longitude": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "90" in response.content.decode()
    tree.building1.refresh_from_db()
    assert tree.building1.latitude == Decimal("22.550000")


def test_admin_unit_changelist_is_scoped_and_shows_paths(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.huafu)
    response = client.get(reverse("admin:grids_unit_changelist"))
    body = response.content.decode()
    assert "福田区 / 华富街道 / 梅岗社区" in body
    assert "狮岭社区" not in body


def test_admin_refuses_to_place_a_unit_outside_the_scope(tree, people, client_for):
    client = client_for(people.huafu)
    data = {
        "level": Level.COMMUNITY,
        "parent": tree.street2.pk,
        "name": "越界社区",
        "org_name": "",
        "org_kind": "",
        "code": "",
    }
    response = client.post(reverse("admin:grids_unit_add"), data)
    # The parent is not among the choices offered (the units in scope): the form says so.
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["parent"]
    assert not Unit.objects.filter(name="越界社区").exists()


def test_admin_staffer_adds_a_community_in_scope(tree, people, client_for):
    client = client_for(people.huafu)
    data = {
        "level": Level.COMMUNITY,
        "parent": tree.street1.pk,
        "name": "后台社区",
        "org_name": "",
        "org_kind": "",
        "code": "",
    }
    response = client.post(reverse("admin:grids_unit_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("admin:grids_unit_changelist")
    assert Unit.objects.get(name="后台社区").parent == tree.street1


def test_the_district_is_edited_without_a_parent(tree, people, client_for):
    # Linked from the district's own page; it was a 500 (the view returned None for it).
    client = client_for(people.district_admin)
    url = reverse("unit_edit", kwargs={"unit_pk": tree.district.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "parent" not in page.context["form"].fields  # the root of the tree has nowhere to move
    response = client.post(url, {"name": "福田区", "org_name": "中共福田区委", "code": "440304"})
    assert response.status_code == 302
    assert response["Location"] == reverse("unit_detail", kwargs={"unit_pk": tree.district.pk})
    tree.district.refresh_from_db()
    assert (tree.district.org_name, tree.district.parent_id) == ("中共福田区委", None)


def test_a_bad_district_edit_shows_the_form_again(tree, people, client_for):
    client = client_for(people.district_admin)
    url = reverse("unit_edit", kwargs={"unit_pk": tree.district.pk})
    response = client.post(url, {"name": "", "org_name": "x", "code": "440304"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    tree.district.refresh_from_db()
    assert tree.district.name == "福田区"


def test_a_street_staffer_cannot_edit_the_district(tree, people, client_for):
    url = reverse("unit_edit", kwargs={"unit_pk": tree.district.pk})
    assert client_for(people.huafu).get(url).status_code == 404
