"""Staff editing through the scope: centers, hours, closures, rooms, photos, coverage, admin."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from centers.models import Center, Closure, OpeningInterval, Photo, RoomKind, validate_phone
from grids.models import Job
from portal.core.images import MAX_UPLOAD_BYTES
from tests.asserts import assert_redirects_to
from tests.factory_centers import add_rooms, make_center


def _center_data(owner, **changes):
    data = {
        "name": "梅岗社区党群服务中心",
        "kind": "community",
        "sub_kind": "",
        "owner": owner.pk,
        "status": "operating",
        "address": "深圳市福田区梅岗社区1号",
        "latitude": "22.5501234",
        "longitude": "114.0801234",
        "phone": "0755-83456789",
        "follows_holidays": "on",
        "introduction": "",
    }
    return {**data, **changes}


def _hours(rows, existing=0):
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(existing),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for i, (weekday, opens, closes) in enumerate(rows):
        data |= {f"hours-{i}-weekday": str(weekday), f"hours-{i}-opens": opens, f"hours-{i}-closes": closes}
    return data


def test_staff_creates_a_center_in_their_scope(tree, people, client_for):
    client = client_for(people.huafu)
    response = client.post(reverse("staff_center_create"), _center_data(tree.community1))
    center = Center.objects.get()
    assert_redirects_to(response, reverse("staff_center_edit", args=[center.pk]))
    assert center.owner == tree.community1
    assert center.latitude == pytest.approx(22.550123)  # stored rounded to 6 places (~0.1 m)


def test_staff_cannot_place_a_center_outside_their_scope(tree, people, client_for):
    response = client_for(people.huafu).post(reverse("staff_center_create"), _center_data(tree.community2))
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Center.objects.exists()


def test_read_only_user_cannot_create(tree, people, client_for):
    client = client_for(people.viewer)
    assert client.get(reverse("staff_center_create")).status_code == 403
    assert client.post(reverse("staff_center_create"), _center_data(tree.community1)).status_code == 403
    assert not Center.objects.exists()


def test_new_domain_center_needs_its_type(tree, people, client_for):
    client = client_for(people.huafu)
    response = client.post(reverse("staff_center_create"), _center_data(tree.street1, kind="new_domain"))
    assert "sub_kind" in response.context["form"].errors
    response = client.post(
        reverse("staff_center_create"), _center_data(tree.street1, kind="new_domain", sub_kind="office_building")
    )
    assert_redirects_to(response, reverse("staff_center_edit", args=[Center.objects.get().pk]))


def test_edit_saves_several_intervals_per_weekday(tree, people, client_for):
    center = make_center(tree.community1, hours={})
    data = _center_data(tree.community1, name="新名字") | _hours([(2, "08:30", "12:00"), (2, "14:00", "21:00")])
    response = client_for(people.meigang).post(reverse("staff_center_edit", args=[center.pk]), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    assert response["Location"] == reverse("staff_center_detail", args=[center.pk])
    assert list(center.intervals.values_list("weekday", "opens", "closes")) == [
        (2, dt.time(8, 30), dt.time(12)),
        (2, dt.time(14), dt.time(21)),
    ]
    center.refresh_from_db()
    assert center.name == "新名字"


@pytest.mark.parametrize(
    "rows",
    [
        [(2, "08:30", "12:00"), (2, "11:00", "21:00")],  # overlap
        [(2, "14:00", "12:00")],  # closes before it opens
        [(9, "08:00", "12:00")],  # no such weekday
    ],
)
def test_bad_hours_change_nothing(tree, people, client_for, rows):
    center = make_center(tree.community1, hours={})
    data = _center_data(tree.community1, name="不应保存") | _hours(rows)
    response = client_for(people.huafu).post(reverse("staff_center_edit", args=[center.pk]), data)
    assert response.status_code == 200
    assert not OpeningInterval.objects.filter(center=center).exists()
    center.refresh_from_db()
    assert center.name != "不应保存"


def test_closures_page_adds_a_date_and_refuses_a_duplicate(tree, people, client_for):
    center = make_center(tree.community1)
    url = reverse("staff_center_closures", args=[center.pk])
    base = {"closures-INITIAL_FORMS": "0", "closures-MIN_NUM_FORMS": "0", "closures-MAX_NUM_FORMS": "1000"}
    one = base | {"closures-TOTAL_FORMS": "1", "closures-0-date": "2026-12-01", "closures-0-reason": "消防检查"}
    assert_redirects_to(client_for(people.huafu).post(url, one), reverse("staff_center_detail", args=[center.pk]))
    two = base | {
        "closures-TOTAL_FORMS": "2",
        "closures-0-date": "2026-12-02",
        "closures-1-date": "2026-12-02",
    }
    assert client_for(people.huafu).post(url, two).status_code == 200
    assert list(Closure.objects.values_list("date", flat=True)) == [dt.date(2026, 12, 1)]


def test_rooms_page_and_the_office_rule(tree, people, client_for):
    center = make_center(tree.community1)
    url = reverse("staff_center_rooms", args=[center.pk])
    data = {
        "rooms-TOTAL_FORMS": "2",
        "rooms-INITIAL_FORMS": "0",
        "rooms-MIN_NUM_FORMS": "0",
        "rooms-MAX_NUM_FORMS": "1000",
        "rooms-0-kind": "hall",
        "rooms-0-area": "90",
        "rooms-1-kind": "office",
        "rooms-1-area": "10",
    }
    client = client_for(people.huafu)
    assert_redirects_to(client.post(url, data), reverse("staff_center_detail", args=[center.pk]))
    # 10 m² of 100 m²: exactly 10% complies.
    detail = client.get(reverse("staff_center_detail", args=[center.pk]))
    assert detail.context["office_ok"] is True
    assert not Center.objects.breaking_office_rule().exists()
    add_rooms(center, (RoomKind.OFFICE, Decimal("0.5")))
    detail = client.get(reverse("staff_center_detail", args=[center.pk]))
    assert detail.context["office_ok"] is False
    assert "不符合" in detail.content.decode()


def test_office_rule_list_shows_only_breaking_centers_in_scope(tree, people, client_for):
    bad_inside = make_center(tree.community1, "超标中心")
    add_rooms(bad_inside, (RoomKind.HALL, 50), (RoomKind.OFFICE, 30))
    good = make_center(tree.community1, "达标中心")
    add_rooms(good, (RoomKind.HALL, 95), (RoomKind.OFFICE, 5))
    bad_outside = make_center(tree.community2, "外街超标")
    add_rooms(bad_outside, (RoomKind.OFFICE, 30))
    response = client_for(people.huafu).get(reverse("staff_center_office_rule"))
    assert [c.pk for c in response.context["centers"]] == [bad_inside.pk]
    response = client_for(people.district_admin).get(reverse("staff_center_office_rule"))
    assert {c.pk for c in response.context["centers"]} == {bad_inside.pk, bad_outside.pk}


def test_staff_list_is_scoped_and_constant_in_queries(tree, people, client_for):
    client = client_for(people.huafu)
    make_center(tree.community1)
    make_center(tree.community2, "狮岭社区党群服务中心")
    url = reverse("staff_center_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert [c.owner for c in response.context["centers"]] == [tree.community1]
    for i in range(20):
        add_rooms(make_center(tree.community1, f"中心{i}"), (RoomKind.HALL, 50))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


# --- Photos: real images only; bad input refused and nothing saved --------------------


def _jpeg(size=(1200, 900)):
    out = io.BytesIO()
    Image.new("RGB", size, (176, 28, 28)).save(out, "JPEG")
    return out.getvalue()


def _bomb():
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_stored_as_display_and_thumbnail(tree, people, client_for, django_capture_on_commit_callbacks):
    center = make_center(tree.community1)
    upload = SimpleUploadedFile("a.jpg", _jpeg((3000, 2000)), content_type="image/jpeg")
    url = reverse("staff_center_photos", args=[center.pk])
    response = client_for(people.huafu).post(url, {"image": upload, "caption": "活动室"})
    assert_redirects_to(response, url)
    photo = Photo.objects.get()
    with Image.open(photo.image.path) as display, Image.open(photo.thumbnail.path) as thumb:
        assert max(display.size) == 1600 and max(thumb.size) == 400
    public = client_for(people.huafu).get(reverse("center_detail", args=[center.pk])).content.decode()
    assert photo.thumbnail.url in public
    # Removing it works from the same page.
    paths = [photo.image.path, photo.thumbnail.path]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people.huafu).post(url, {"delete": photo.pk})
    assert not Photo.objects.exists()
    assert not any(Path(p).exists() for p in paths)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.jpg", b"<?php echo 'hi'; ?>" * 10, "图片"),
        ("half.jpg", _jpeg()[:3000], "损坏"),
        ("bomb.png", _bomb(), "过大"),
        ("huge.jpg", b"\xff\xd8" + b"0" * (MAX_UPLOAD_BYTES + 1), "5 MB"),
    ],
    ids=["text-renamed-jpg", "truncated", "decompression-bomb", "oversized"],
)
def test_bad_photos_are_refused_and_nothing_is_saved(tree, people, client_for, settings, name, content, message):
    center = make_center(tree.community1)
    url = reverse("staff_center_photos", args=[center.pk])
    response = client_for(people.huafu).post(url, {"image": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["image"])
    assert message in errors, errors
    assert not Photo.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_photo_upload_needs_edit_rights(tree, people, client_for):
    center = make_center(tree.community1)
    upload = SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")
    response = client_for(people.viewer).post(reverse("staff_center_photos", args=[center.pk]), {"image": upload})
    assert response.status_code == 403
    assert not Photo.objects.exists()


# --- Phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("0755-12345678", "0755-12345678"), ("010-1234567", "010-1234567"), ("13800138000", "13800138000")],
)
def test_phone_accepts_mobiles_and_landlines(raw, stored):
    assert validate_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "0755-12", "12800138000", "电话"])
def test_phone_refuses_other_numbers(raw):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(raw)
    assert "0755-12345678" in excinfo.value.messages[0]


# --- Coverage ------------------------------------------------------------------------


def test_coverage_per_street_and_community_within_the_scope(tree, people, client_for):
    # building1 (华富) stands at 22.55, 114.08; building2 (莲花) at 22.556, 114.055.
    center = make_center(tree.community1, lat=22.5505, lng=114.0805)
    client = client_for(people.district_admin)
    assert client.get(reverse("staff_center_coverage")).context["coverage"] is None  # no analysis yet
    response = client.post(reverse("staff_center_coverage"))  # a job, run at once under pytest
    assert response["Location"] == reverse("job_detail", args=[Job.objects.get().pk])
    coverage = client.get(reverse("staff_center_coverage")).context["coverage"]
    assert coverage["rows"] == 2
    assert [row["unit"] for row in coverage["uncovered"]] == [tree.building2.name]
    assert coverage["uncovered"][0]["center"] == center.name
    assert coverage["uncovered"][0]["distance_m"] > 1000
    by_street = {area["name"]: (area["buildings"], area["covered"]) for area in coverage["streets"]}
    assert by_street == {tree.street1.name: (1, 1), tree.street2.name: (1, 0)}
    huafu = client_for(people.huafu)
    huafu.post(reverse("staff_center_coverage"))
    assert huafu.get(reverse("staff_center_coverage")).context["coverage"]["rows"] == 1


def test_coverage_ignores_centers_that_are_not_operating(tree, people, client_for):
    make_center(tree.community1, lat=22.5505, lng=114.0805, status="suspended")
    client = client_for(people.huafu)
    client.post(reverse("staff_center_coverage"))
    coverage = client.get(reverse("staff_center_coverage")).context["coverage"]
    assert coverage["uncovered"] and coverage["uncovered"][0]["center"] == ""


# --- Admin, scoped ---------------------------------------------------------------------


def test_admin_edits_a_center_with_its_inlines_inside_the_scope(tree, people, client_for):
    center = make_center(tree.community1)
    response = client_for(people.huafu).get(reverse("admin:centers_center_change", args=[center.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "intervals-TOTAL_FORMS" in html and "rooms-TOTAL_FORMS" in html
    changelist = client_for(people.huafu).get(reverse("admin:centers_center_changelist"))
    assert changelist.status_code == 200
