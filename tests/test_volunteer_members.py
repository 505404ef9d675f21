"""Volunteers linked to the Party members they are: one member, one volunteer; only members in
the staffer's scope are offered, masked; the link survives a move out of the scope."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from grids.models import Member
from projects.models import Volunteer
from tests.asserts import assert_redirects_to
from tests.factory_members import make_member
from tests.factory_volunteer import make_volunteer


def test_a_member_is_linked_to_at_most_one_volunteer(tree):
    member = make_member(tree.grid1)
    make_volunteer(tree.community1, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_volunteer(tree.community1, member=member)
    member.delete()  # SET_NULL: the volunteer stays
    assert Volunteer.objects.filter(member__isnull=True).count() == 1


BADGE = '<span class="badge text-bg-danger">党员</span>'


def _volunteer_post(unit, **overrides):
    data = {"unit": str(unit.pk), "name": "王芳", "mobile": "", "registered_on": "2026-01-05", "member": ""}
    data.update(overrides)
    return data


def test_volunteer_form_offers_only_members_in_scope_masked(tree, people, client_for):
    inside = make_member(tree.grid1, "本街党员", mobile="13800138000")
    outside = make_member(tree.grid2, "外街党员")
    client = client_for(people.huafu)
    html = client.get(reverse("volunteer_staff_volunteer_new")).content.decode()
    assert "本街党员" not in html  # the form renders no choice: its picker searches
    found = client.get(reverse("pick_members"), {"need": "edit"}).content.decode()
    assert "本街党员" in found and "外街党员" not in found
    assert "13800138000" not in found and "138****8000" in found
    assert inside.reveal_id_card() not in found and inside.id_card_masked not in found
    url = reverse("volunteer_staff_volunteer_new")
    response = client.post(url, _volunteer_post(tree.community1, mobile="13912345678", member=outside.pk))
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert not Volunteer.objects.exists()
    response = client.post(url, _volunteer_post(tree.community1, mobile="13912345678", member=inside.pk))
    assert_redirects_to(response, reverse("volunteer_staff_volunteer", args=[Volunteer.objects.get().pk]))
    assert Volunteer.objects.get().member == inside


def test_a_member_already_linked_is_refused_with_a_message(tree, people, client_for):
    member = make_member(tree.grid1)
    make_volunteer(tree.community1, member=member)
    url = reverse("volunteer_staff_volunteer_new")
    response = client_for(people.huafu).post(
        url, _volunteer_post(tree.community1, mobile="13912345678", member=member.pk)
    )
    assert response.status_code == 200
    assert "该党员已关联另一名志愿者" in response.content.decode()
    assert Volunteer.objects.count() == 1


def test_volunteer_page_shows_party_member_and_unit_never_numbers(tree, people, client_for):
    member = make_member(tree.grid1, "张建国", mobile="13800138000")
    volunteer = make_volunteer(tree.community1, "张建国", "13912345678", member=member)
    client = client_for(people.huafu)
    html = client.get(reverse("volunteer_staff_volunteer", args=[volunteer.pk])).content.decode()
    assert BADGE in html and "梅岗社区 / 第1网格" in html
    assert reverse("member_detail", args=[member.pk]) in html
    for secret in (member.reveal_id_card(), member.id_card_masked, "13800138000", member.mobile_masked):
        assert secret not in html
    listing = client.get(reverse("volunteer_staff_volunteers")).content.decode()
    assert listing.count(BADGE) == 1 and "13800138000" not in listing


def test_a_member_moved_out_of_scope_stays_linked(tree, people, client_for):
    member = make_member(tree.grid1, "张建国")
    volunteer = make_volunteer(tree.community1, "张建国", "13912345678", member=member)
    Member.objects.filter(pk=member.pk).update(unit=tree.grid2)  # moved to 莲花街道
    client = client_for(people.huafu)
    html = client.get(reverse("volunteer_staff_volunteer", args=[volunteer.pk])).content.decode()
    assert BADGE in html and "狮岭社区 / 第1网格" in html
    assert reverse("member_detail", args=[member.pk]) not in html  # no link into another street
    edit = reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])
    page = reverse("volunteer_staff_volunteer", args=[volunteer.pk])
    assert_redirects_to(client.post(edit, _volunteer_post(tree.community1, name="张建国", member=member.pk)), page)
    volunteer.refresh_from_db()
    assert volunteer.member == member  # saving other fields keeps the link
    other = make_member(tree.grid2, "外街党员")
    response = client.post(edit, _volunteer_post(tree.community1, name="张建国", member=other.pk))
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert_redirects_to(client.post(edit, _volunteer_post(tree.community1, name="张建国")), page)
    volunteer.refresh_from_db()
    assert volunteer.member is None  # the staffer may remove it
