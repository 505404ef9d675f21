"""Volunteering linked to service centers: project and activity at a service center ("center or
address"), offered through the scope; public pages showing the center; staff lists and the admin
with centers and members; the demo links. (Links to Party members: test_volunteer_members.py;
walk-in hours: test_volunteer_walk_ins.py.)"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from centers.models import Status as CenterStatus
from projects.models import Activity, ServiceProject, Volunteer
from tests.asserts import assert_redirects_to
from tests.factory_centers import make_center
from tests.factory_members import make_member
from tests.factory_volunteer import make_activity, make_project, make_signup, make_volunteer


@pytest.fixture
def centers(tree):
    """One community center in 华富街道 (inside huafu's scope), one in 莲花街道 (outside)."""
    inside = make_center(tree.community1, "梅岗社区党群服务中心")
    outside = make_center(tree.community2, "狮岭社区党群服务中心")
    return inside, outside


def _activity_post(**overrides):
    starts = timezone.localtime() + timedelta(days=5)
    data = {
        "title": "敬老探访",
        "center": "",
        "address": "",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "signup_deadline": (starts - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "10",
        "description": "",
    }
    data.update(overrides)
    return data


def _project_post(unit, **overrides):
    data = {
        "unit": str(unit.pk),
        "center": "",
        "title": "梅岗先锋使者在行动",
        "category": "elderly",
        "status": "active",
        "description": "",
        "beneficiary_visits": "0",
    }
    data.update(overrides)
    return data


# --- Model: center or address, on_delete ----------------------------------------------------


def test_neither_center_nor_address_is_refused_by_clean_and_by_the_database(tree, centers):
    project = make_project(tree.community1)
    starts = timezone.now() + timedelta(days=2)
    activity = Activity(
        project=project,
        title="无地点",
        address="  ",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        signup_deadline=starts,
        capacity=5,
    )
    with pytest.raises(ValidationError) as caught:
        activity.full_clean()
    assert "address" in caught.value.message_dict
    activity.address = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()
    activity.center = centers[0]
    activity.full_clean()
    activity.save()
    assert Activity.objects.get(pk=activity.pk).center == centers[0]


def test_deleting_a_center_keeps_projects_and_protects_activities(tree):
    # A center with opening hours is never deleted (centers 0004 protects them): this one has none.
    inside = make_center(tree.community1, "筹建中的中心", hours={})
    project = make_project(tree.community1, center=inside)
    make_activity(project, center=inside, address="")
    with pytest.raises(ProtectedError):
        inside.delete()
    Activity.objects.all().delete()
    inside.delete()
    project.refresh_from_db()
    assert project.center is None  # SET_NULL: the project lives on, owned by its unit


# --- Staff forms: only centers in scope -------------------------------------------------------


def test_project_form_offers_only_centers_in_scope(tree, people, client_for, centers):
    inside, outside = centers
    client = client_for(people.huafu)
    # The form's center picker searches the scope (issue 15): it offers the inside center only.
    offered = client.get(reverse("pick_centers")).json()["results"]
    assert [row["id"] for row in offered] == [inside.pk]
    response = client.post(reverse("volunteer_staff_project_new"), _project_post(tree.community1, center=outside.pk))
    assert response.status_code == 200 and not ServiceProject.objects.exists()
    assert "center" in response.context["form"].errors
    response = client.post(reverse("volunteer_staff_project_new"), _project_post(tree.community1, center=inside.pk))
    assert_redirects_to(response, reverse("volunteer_staff_project", args=[ServiceProject.objects.get().pk]))
    assert ServiceProject.objects.get().center == inside


def test_a_center_linked_by_a_wider_scope_survives_a_street_edit(tree, people, client_for, centers):
    _inside, outside = centers
    project = make_project(tree.community1, "跨街道项目", center=outside)  # linked by the district
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_project_edit", args=[project.pk])
    response = client.post(url, _project_post(tree.community1, title="跨街道项目", center=outside.pk))
    assert_redirects_to(response, reverse("volunteer_staff_project", args=[project.pk]))
    project.refresh_from_db()
    assert project.center == outside


def test_activity_form_center_or_address_and_scope(tree, people, client_for, centers):
    inside, outside = centers
    project = make_project(tree.community1, center=inside)
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_activity_new", args=[project.pk])
    page = client.get(url)
    assert page.context["form"]["center"].value() == inside.pk  # the project's center by default
    assert outside.name not in page.content.decode()
    response = client.post(url, _activity_post())
    assert response.status_code == 200 and "请选择党群服务中心或填写地址" in response.content.decode()
    response = client.post(url, _activity_post(center=outside.pk))
    assert response.status_code == 200 and "center" in response.context["form"].errors
    assert not Activity.objects.exists()
    for data in (_activity_post(center=inside.pk), _activity_post(title="公园捡拾", address="香蜜公园南门")):
        response = client.post(url, data)
        created = Activity.objects.get(title=data["title"])
        assert_redirects_to(response, reverse("volunteer_staff_activity", args=[created.pk]))
    assert set(Activity.objects.values_list("center__name", "address")) == {
        (inside.name, ""),
        (None, "香蜜公园南门"),
    }


def test_activity_edit_keeps_its_out_of_scope_center(tree, people, client_for, centers):
    _inside, outside = centers
    activity = make_activity(make_project(tree.community1), center=outside, address="")
    url = reverse("volunteer_staff_activity_edit", args=[activity.pk])
    starts = timezone.localtime(activity.starts_at)
    data = _activity_post(
        title=activity.title,
        center=outside.pk,
        starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        signup_deadline=(starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client_for(people.huafu).post(url, data)
    assert_redirects_to(response, reverse("volunteer_staff_activity", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.center == outside


# --- Public pages -----------------------------------------------------------------------------


def test_public_pages_show_the_center_with_its_link_and_address(client, tree, centers):
    inside, _outside = centers
    project = make_project(tree.community1, "梅岗先锋使者在行动", center=inside)
    activity = make_activity(project, center=inside, address="三楼多功能厅")
    link = reverse("center_detail", args=[inside.pk])
    for url in (
        reverse("volunteer_index"),
        reverse("volunteer_project", args=[project.pk]),
        reverse("volunteer_activity", args=[activity.pk]),
    ):
        html = client.get(url).content.decode()
        assert f'href="{link}"' in html, url
    for url in (reverse("volunteer_project", args=[project.pk]), reverse("volunteer_activity", args=[activity.pk])):
        html = client.get(url).content.decode()
        assert inside.address in html and inside.name in html
    assert "三楼多功能厅" in client.get(reverse("volunteer_activity", args=[activity.pk])).content.decode()
    assert client.get(link).status_code == 200
    # The sign-up confirmation and the cancellation page name the place too.
    done = client.post(reverse("volunteer_activity", args=[activity.pk]), {"name": "王芳", "mobile": "13912345678"})
    assert inside.name in done.content.decode()
    cancel = client.get(done.context["cancel_url"])
    assert inside.name in cancel.content.decode() and "三楼多功能厅" in cancel.content.decode()


def test_a_center_in_preparation_is_named_without_a_link(client, tree):
    preparing = make_center(tree.community1, "筹建中的中心", status=CenterStatus.PREPARING)
    activity = make_activity(make_project(tree.community1, center=preparing), center=preparing, address="")
    html = client.get(reverse("volunteer_activity", args=[activity.pk])).content.decode()
    assert "筹建中的中心" in html
    assert reverse("center_detail", args=[preparing.pk]) not in html


def test_filters_keep_working_with_centers(client, tree, centers):
    inside, outside = centers
    make_project(tree.community1, "华富助老", center=inside, category="elderly")
    make_project(tree.community2, "莲花法律", center=outside, category="legal")
    make_project(tree.community2, "莲花文化", category="culture")
    titles = lambda params: {p.title for p in client.get(reverse("volunteer_index"), params).context["page"]}  # noqa: E731
    assert titles({"street": tree.street1.pk}) == {"华富助老"}
    assert titles({"community": tree.community2.pk}) == {"莲花法律", "莲花文化"}
    assert titles({"category": "legal"}) == {"莲花法律"}
    assert titles({"street": "bad", "category": "elderly"}) == {"华富助老"}


def _public_data(tree, n):
    for i in range(n):
        unit = tree.community1 if i % 2 else tree.community2
        center = make_center(unit, f"中心{unit.pk}-{i}")
        project = make_project(unit, center=center, star_rating=(i % 5) + 1)
        make_signup(make_activity(project, center=center, address=""))
        make_activity(project)  # at an address
        make_activity(project, days=-3, center=center, address="")  # past


def test_public_pages_with_centers_make_a_constant_number_of_queries(client, tree, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _public_data(tree, 2)
    project = ServiceProject.objects.first()
    activity = project.activities.filter(center__isnull=False).first()
    urls = [
        reverse("volunteer_index"),
        reverse("volunteer_project", args=[project.pk]),
        reverse("volunteer_activity", args=[activity.pk]),
    ]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    _public_data(tree, 10)
    for _ in range(6):
        make_activity(project, center=project.center, address="")
    for url in urls:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200


# --- Staff lists stay constant with centers and members ---------------------------------------


@pytest.mark.parametrize("name", ["volunteer_staff_activities", "volunteer_staff_volunteers"])
def test_staff_lists_with_links_make_a_constant_number_of_queries(
    name, tree, people, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            center = make_center(tree.community1, f"中心{Activity.objects.count()}-{i}")
            make_activity(make_project(tree.community1, center=center), center=center, address="")
            make_volunteer(tree.community1, member=make_member(tree.grid1, f"党员{i}"))

    client = client_for(people.huafu)
    add(2)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    add(8)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


# --- Admin ------------------------------------------------------------------------------------


def test_admin_offers_only_centers_and_members_in_scope(tree, people, client_for, centers):
    inside, outside = centers
    make_member(tree.grid1, "本街党员")
    make_member(tree.grid2, "外街党员")
    client = client_for(people.huafu)
    for url in (reverse("admin:projects_serviceproject_add"), reverse("admin:projects_activity_add")):
        form = client.get(url).context["adminform"].form
        assert set(form.fields["center"].queryset) == {inside}, url
    form = client.get(reverse("admin:projects_volunteer_add")).context["adminform"].form
    assert [m.name for m in form.fields["member"].queryset] == ["本街党员"]
    # A tampered post with another street's center is refused.
    data = _project_post(tree.community1, center=outside.pk)
    response = client.post(reverse("admin:projects_serviceproject_add"), data)
    assert response.status_code == 200 and not ServiceProject.objects.exists()


def test_admin_change_keeps_a_link_made_by_a_wider_scope(tree, people, client_for, centers):
    _inside, outside = centers
    project = make_project(tree.community1, center=outside)
    form = client_for(people.huafu).get(reverse("admin:projects_serviceproject_change", args=[project.pk]))
    assert outside in set(form.context["adminform"].form.fields["center"].queryset)


# --- Demo -------------------------------------------------------------------------------------


def test_demo_links_brand_projects_to_centers_and_volunteers_to_members(db):
    from centers import demo as centers_demo
    from grids import demo as grids_demo
    from grids.demo import members as demo_members
    from projects.demo import volunteering as demo_volunteer

    for seeder in (grids_demo.seed, demo_members.seed, centers_demo.seed, demo_volunteer.seed):
        seeder()

    def snapshot():
        projects = list(ServiceProject.objects.order_by("title").values_list("title", "center__name"))
        activities = list(Activity.objects.order_by("pk").values_list("pk", "center_id", "address"))
        links = list(
            Volunteer.objects.filter(member__isnull=False)
            .order_by("mobile_hash")
            .values_list("mobile_hash", "name", "member_id")
        )
        return projects, activities, links

    first = snapshot()
    demo_volunteer.seed()
    assert snapshot() == first  # idempotent
    projects, _activities, links = first
    brand = {title: center for title, center in projects if title in demo_volunteer.BRAND_PROJECTS}
    assert brand == {
        "梅岗先锋使者在行动": "梅岗社区党群服务中心",
        "狮岭心愿驿站": "狮岭社区党群服务中心",
        "南华先锋长者助餐食堂": "南华社区党群服务中心",
    }
    for project in ServiceProject.objects.filter(title__in=brand):
        assert project.activities.exists()
        assert not project.activities.exclude(center=project.center).exists()
        assert project.center.owner == project.unit
    assert len(links) == 2 * 4  # two per team community
    for volunteer in Volunteer.objects.filter(member__isnull=False).select_related("member__unit", "unit"):
        assert volunteer.member.unit.is_within(volunteer.unit) and volunteer.name == volunteer.member.name
