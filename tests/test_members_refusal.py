"""An ID-card number registered outside the user's part of the tree (issue 16, section 3): the
member form, the admin and the import say only that the person cannot be added here and how a
transfer in (组织关系转入) is requested, never that the number is registered, and the attempt is
in the personal-data log with who, when, how, where and the number's fingerprint."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from grids.models import AttemptKind, Category, Gender, Member, MemberStatus, RefusedRegistration
from grids.services.members import ALREADY_HERE, NOT_HERE
from grids.services.members_import import import_workbook
from tests.factory_members import make_member, member_row, next_identity, workbook

BIRTH = date(1980, 5, 17)


@pytest.fixture
def elsewhere(tree):
    """A member of 莲花街道, outside 华富街道's scope."""
    return make_member(tree.grid2, "莲花的党员", birth=BIRTH)


@pytest.fixture
def here(tree):
    return make_member(tree.grid1, "华富的党员", birth=BIRTH)


def _form(tree, id_card, **extra):
    return {
        "name": "新党员",
        "id_card": id_card,
        "ethnicity": "汉族",
        "joined_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "status": MemberStatus.FULL,
        "category": Category.REGISTERED,
        "unit": tree.grid1.pk,
        **extra,
    }


def _says_nothing_about_the_holder(html, holder):
    assert str(NOT_HERE) in html
    assert str(ALREADY_HERE) not in html and "已登记" not in html
    assert holder.name not in html and "莲花" not in html and "狮岭" not in html


def test_the_form_refuses_a_number_held_elsewhere_and_logs_it(tree, people, client_for, elsewhere):
    before = timezone.now()
    response = client_for(people.huafu).post(reverse("member_create"), _form(tree, elsewhere.reveal_id_card()))
    assert response.status_code == 200
    assert response.context["form"].errors["id_card"] == [str(NOT_HERE)]
    _says_nothing_about_the_holder(response.content.decode(), elsewhere)
    assert Member.objects.count() == 1
    entry = RefusedRegistration.objects.get()
    assert (entry.user, entry.kind, entry.unit) == (people.huafu, AttemptKind.FORM, tree.grid1)
    assert entry.at >= before
    assert entry.id_card_hash == elsewhere.id_card_hash  # which number, by its fingerprint
    assert entry.id_card == elsewhere.id_card_masked and entry.id_card.reveal() == elsewhere.reveal_id_card()


def test_a_number_in_the_users_own_scope_is_simply_already_registered(tree, people, client_for, here):
    response = client_for(people.huafu).post(reverse("member_create"), _form(tree, here.reveal_id_card()))
    assert response.context["form"].errors["id_card"] == [str(ALREADY_HERE)]
    assert not RefusedRegistration.objects.exists()
    # The district sees both streets: no refusal, no log, for either.
    response = client_for(people.district_admin).post(reverse("member_create"), _form(tree, here.reveal_id_card()))
    assert response.context["form"].errors["id_card"] == [str(ALREADY_HERE)]
    assert not RefusedRegistration.objects.exists()


def test_editing_to_a_number_held_elsewhere_is_refused_and_logged(tree, people, client_for, here, elsewhere):
    data = _form(tree, elsewhere.reveal_id_card(), name=here.name, gender=Gender.MALE, birth_date=BIRTH.isoformat())
    response = client_for(people.huafu).post(reverse("member_edit", args=[here.pk]), data)
    assert response.status_code == 200
    _says_nothing_about_the_holder(response.content.decode(), elsewhere)
    here.refresh_from_db()
    assert here.id_card_hash != elsewhere.id_card_hash
    entry = RefusedRegistration.objects.get()
    assert (entry.user, entry.unit, entry.id_card_hash) == (people.huafu, tree.grid1, elsewhere.id_card_hash)


def test_the_admin_form_does_the_same(tree, people, client_for, elsewhere):
    data = _form(tree, elsewhere.reveal_id_card(), gender="", birth_date="")
    response = client_for(people.huafu).post(reverse("admin:grids_member_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_card"] == [str(NOT_HERE)]
    _says_nothing_about_the_holder(response.content.decode(), elsewhere)
    assert RefusedRegistration.objects.get().user == people.huafu


def _rows(tree, *numbers):
    rows = [member_row(n) for n in range(3)]
    for row, holder in zip(rows, numbers, strict=False):
        row |= {"id_card": holder.reveal_id_card(), "birth_date": holder.birth_date, "gender": "男"}
        row |= {"joined_on": date(2005, 7, 1), "full_member_on": date(2006, 7, 1)}
    return rows


def test_the_import_refuses_without_saying_why_and_the_log_outlives_the_rollback(tree, people, elsewhere, here):
    rows = _rows(tree, elsewhere, here)
    result = import_workbook(io.BytesIO(workbook(rows)), user=people.huafu)
    # Row 3 holds the number of a member in the importer's scope: an update, not a problem.
    assert [(e.row, e.message) for e in result.errors] == [(2, str(NOT_HERE))]
    assert result.created == result.updated == 0 and Member.objects.count() == 2  # the good rows went too
    entry = RefusedRegistration.objects.get()  # written after the import's rollback
    assert (entry.user, entry.kind, entry.unit) == (people.huafu, AttemptKind.IMPORT, tree.grid1)
    assert entry.id_card_hash == elsewhere.id_card_hash


def test_the_import_page_shows_the_message(tree, people, client_for, elsewhere):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("members.xlsx", workbook(_rows(tree, elsewhere)))
    response = client_for(people.huafu).post(reverse("member_import"), {"workbook": upload}, follow=True)
    assert response.context["job"].status == "failed"
    _says_nothing_about_the_holder(response.content.decode(), elsewhere)
    assert RefusedRegistration.objects.filter(kind=AttemptKind.IMPORT).count() == 1


def test_a_dry_run_of_the_import_command_keeps_the_log(tree, people, elsewhere, tmp_path):
    path = workbook(_rows(tree, elsewhere), path=tmp_path / "members.xlsx")
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--user", "huafu", "--dry-run", stdout=io.StringIO())
    assert RefusedRegistration.objects.get().kind == AttemptKind.IMPORT


def test_the_log_is_for_the_administrators_and_names_no_member(tree, people, client_for, elsewhere):
    client_for(people.huafu).post(reverse("member_create"), _form(tree, elsewhere.reveal_id_card()))
    url = reverse("admin:grids_refusedregistration_changelist")
    assert client_for(people.huafu).get(url).status_code == 403  # 工作人员: not the log's readers
    client = client_for(people.district_admin)
    html = client.get(url).content.decode()
    assert "huafu" in html and elsewhere.id_card_masked in html and elsewhere.name not in html
    found = client.get(url, {"q": elsewhere.reveal_id_card()})  # who tried this number?
    assert list(found.context["cl"].result_list) == list(RefusedRegistration.objects.all())
    other, _mobile = next_identity(BIRTH, Gender.MALE)
    assert not list(client.get(url, {"q": other}).context["cl"].result_list)
    entry = RefusedRegistration.objects.get()
    page = client.get(reverse("admin:grids_refusedregistration_change", args=[entry.pk])).content.decode()
    assert elsewhere.name not in page and elsewhere.reveal_id_card() not in page
