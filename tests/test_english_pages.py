"""English pages are English (issue 13): every public page, with the language chosen, shows no
Chinese except proper names and what people wrote (names of units, centers, projects, teams and
people, addresses, titles and descriptions: the database's own text) and the language switch's
own name for Chinese (简体中文). Standard records stored under a Chinese name (the standard
service tags, the default demand categories, rooms called by their kind) are shown in English.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from centers.models import Room, RoomKind, Service
from centers.models.centers import STANDARD_SERVICES
from grids.models import DemandCategory
from grids.models.demands import DEFAULT_CATEGORIES, STANDARD_CATEGORIES
from tests.test_browser_accessibility import QUERIES, RECORD, make_demo, public_routes

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")
# The language select names each language in its own language.
OWN_NAMES = ["简体中文"]
# Fields that hold standard names with an English label: not proper names.
TRANSLATED_FIELDS = {(Service, "name"), (DemandCategory, "name"), (Room, "name")}
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "content", "data-label"}


class _Text(HTMLParser):
    """The text a reader meets: text nodes outside scripts and styles, and the attributes that are read out."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for key, value in attrs if key in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _proper_names():
    """Every Chinese text of the database's records (their own words), longest first."""
    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("grids", "centers", "projects"):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)) or (model, field.name) in TRANSLATED_FIELDS:
                continue
            for value in model._base_manager.values_list(field.attname, flat=True):
                if isinstance(value, str) and HAN.search(value):
                    found.add(value)
    return sorted(found, key=len, reverse=True)


def chinese_left(html, names):
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for name in [*names, *OWN_NAMES]:
        text = text.replace(name, " ")
    return sorted({match for match in HAN.findall(text)})


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _standard_world(demo):
    """The demo, its center offering every standard service and rooms called by their kind."""
    center = demo.center
    center.services.set(Service.objects.filter(name__in=STANDARD_SERVICES))
    assert center.services.count() == len(STANDARD_SERVICES)
    Room.objects.create(center=center, kind=RoomKind.MEETING, name="会议室", area=40)
    Room.objects.create(center=center, kind=RoomKind.OFFICE, name="办公室", area=10)
    Room.objects.create(center=center, kind=RoomKind.READING, name="红色书屋", area=30)


@pytest.mark.parametrize("name", [route[0] for route in public_routes()])
def test_english_public_page_has_no_chinese_but_proper_names(english, name):
    demo = make_demo()
    _standard_world(demo)
    keys = next(keys for route_name, _route, keys in public_routes() if route_name == name)
    url = reverse(name, kwargs=RECORD[name](demo) if keys else None) + QUERIES.get(name, lambda d: "")(demo)
    response = english.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    left = chinese_left(html, _proper_names())
    assert not left, f"{name} ({url}) shows Chinese in English: {left}"


def test_center_page_in_english_shows_services_and_rooms_in_english(english):
    demo = make_demo()
    _standard_world(demo)
    html = english.get(reverse("center_detail", kwargs={"center_pk": demo.center.pk})).content.decode()
    for label in ("Party education", "Meals for seniors", "Counselling", "Meeting room", "Office space"):
        assert label in html
    assert "红色书屋" in html  # a room's own name is a proper name
    assert "会议室" not in html and "党员教育" not in html


def test_the_same_page_in_chinese_shows_the_stored_names(client):
    demo = make_demo()
    _standard_world(demo)
    html = client.get(reverse("center_detail", kwargs={"center_pk": demo.center.pk})).content.decode()
    for stored in ("党员教育", "长者助餐", "会议室", "红色书屋"):
        assert stored in html


def test_standard_labels_translate_back_to_the_stored_names():
    """A standard name's msgid must come back as exactly the stored name in Chinese, or the
    Chinese pages would show something else than what imports and filters match."""
    migration = __import__("centers.migrations.0002_standard_services", fromlist=["STANDARD"])
    assert set(STANDARD_SERVICES) == set(migration.STANDARD)
    assert set(STANDARD_CATEGORIES) == {name for name, _hours, _days in DEFAULT_CATEGORIES}
    with translation.override("zh-hans"):
        for table in (STANDARD_SERVICES, STANDARD_CATEGORIES):
            assert {stored: str(label) for stored, label in table.items()} == {stored: stored for stored in table}


def test_a_name_staff_typed_is_shown_as_typed(english):
    with translation.override("en"):
        assert str(Service(name="红色电影放映")) == "红色电影放映"
        assert str(Service(name="长者助餐")) == "Meals for seniors"
        assert str(Room(kind=RoomKind.HALL, name="多功能厅")) == "Multi-purpose hall"
        assert str(Room(kind=RoomKind.HALL, name="会议室")) == "会议室"  # another kind's name is its own
    with translation.override("zh-hans"):
        assert str(Service(name="长者助餐")) == "长者助餐"
        assert str(Room(kind=RoomKind.HALL, name="多功能厅")) == "多功能厅"
