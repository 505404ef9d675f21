"""Open now and next opening in Asia/Shanghai: noon gaps, closed days, closures, the calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from centers.models import Center
from centers.services import hours
from tests.factory_centers import add_closure, make_center

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
T = dt.time
WEEKDAYS_ONLY = {d: [(T(9), T(17))] for d in range(5)}


def at(text):
    """An aware Shanghai datetime from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def state(center, moment):
    center = Center.objects.with_hours(moment).get(pk=center.pk)
    return center.state(moment)


def open_ids(moment):
    return set(Center.objects.open_at(moment).values_list("pk", flat=True))


@pytest.fixture
def center(tree):
    # 错时服务: Tue–Sun 08:30–12:00 and 14:00–21:00, closed on Mondays.
    return make_center(tree.community1)


# 2026-11-24 is a Tuesday, an ordinary working day.
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-24 08:29", False),
        ("2026-11-24 08:30", True),
        ("2026-11-24 11:59", True),
        ("2026-11-24 12:00", False),  # the noon gap starts at closing time
        ("2026-11-24 13:59", False),
        ("2026-11-24 14:00", True),
        ("2026-11-24 20:59", True),
        ("2026-11-24 21:00", False),
        ("2026-11-23 10:00", False),  # Monday: closed all day
    ],
)
def test_open_now_around_the_noon_gap(center, moment, expected):
    assert state(center, at(moment))[0] is expected
    assert (center.pk in open_ids(at(moment))) is expected  # the SQL filter agrees


def test_next_opening_after_the_noon_break_is_today(center):
    _open, _current, opening = state(center, at("2026-11-24 12:30"))
    assert opening == at("2026-11-24 14:00")
    with translation.override("zh-hans"):
        assert hours.describe_opening(opening, at("2026-11-24 12:30")) == "今天 14:00"


def test_closed_monday_opens_on_tuesday(center):
    _open, _current, opening = state(center, at("2026-11-23 10:00"))
    assert opening == at("2026-11-24 08:30")
    with translation.override("zh-hans"):
        assert hours.describe_opening(opening, at("2026-11-23 10:00")) == "明天 08:30"


def test_next_opening_names_the_weekday(center):
    _open, _current, opening = state(center, at("2026-11-22 22:00"))  # Sunday night
    assert opening == at("2026-11-24 08:30")
    with translation.override("zh-hans"):
        assert hours.describe_opening(opening, at("2026-11-22 22:00")) == "周二 08:30"


def test_a_closure_date_closes_the_day(center):
    add_closure(center, dt.date(2026, 11, 24))
    assert state(center, at("2026-11-24 10:00"))[0] is False
    assert state(center, at("2026-11-24 10:00"))[2] == at("2026-11-25 08:30")
    assert center.pk not in open_ids(at("2026-11-24 10:00"))


def test_a_statutory_holiday_closes_a_center_that_follows_the_calendar(center):
    moment = at("2025-10-01 10:00")  # National Day, a Wednesday
    assert state(center, moment)[0] is False
    assert center.pk not in open_ids(moment)
    # The whole 8-day break (Oct 1–8, weekend included) is closed; Thursday Oct 9 opens.
    assert state(center, at("2025-10-04 10:00"))[0] is False
    assert state(center, moment)[2] == at("2025-10-09 08:30")


def test_a_center_ignoring_the_calendar_opens_on_holidays(tree):
    center = make_center(tree.community1, follows_holidays=False)
    assert state(center, at("2025-10-01 10:00"))[0] is True
    assert center.pk in open_ids(at("2025-10-01 10:00"))


def test_an_adjusted_working_saturday_opens_with_monday_hours(tree):
    # 2026-02-14 is a Saturday made a working day before the Spring Festival (调休).
    office = make_center(tree.community1, "工作日中心", hours=WEEKDAYS_ONLY)
    ignoring = make_center(tree.community2, "不调休中心", hours=WEEKDAYS_ONLY, follows_holidays=False)
    moment = at("2026-02-14 10:00")
    assert state(office, moment)[0] is True
    assert state(ignoring, moment)[0] is False
    assert open_ids(moment) == {office.pk}
    assert state(office, at("2026-02-21 10:00"))[0] is False  # an ordinary Saturday of the holiday


def test_shanghai_time_decides_not_utc(center):
    # Monday 00:30 in Shanghai is Sunday 16:30 UTC: Sunday hours (14:00–21:00) must not apply.
    moment = dt.datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
    assert state(center, moment)[0] is False
    assert center.pk not in open_ids(moment)


def test_23_59_in_shanghai_while_the_server_clock_zone_is_on_another_day(center, settings, monkeypatch):
    # A server in New York: 23:59 Saturday in Shanghai is 10:59 Saturday there, 15:59 UTC.
    # The center (open until 21:00) is closed; next opening is Sunday 08:30 Shanghai time.
    settings.TIME_ZONE = "America/New_York"
    moment = dt.datetime(2026, 11, 28, 15, 59, tzinfo=UTC)
    monkeypatch.setattr(hours.timezone, "now", lambda: moment)
    assert hours.local_now().strftime("%Y-%m-%d %H:%M") == "2026-11-28 23:59"
    fresh = Center.objects.with_hours().get(pk=center.pk)
    is_open, _current, opening = fresh.state()
    assert is_open is False
    assert opening == at("2026-11-29 08:30")
    # Sunday 00:30 in Shanghai (16:30 UTC Saturday) is already Sunday: still closed until 08:30.
    assert state(center, dt.datetime(2026, 11, 28, 16, 30, tzinfo=UTC))[2] == at("2026-11-29 08:30")


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        hours.to_shanghai(dt.datetime(2026, 1, 1, 10, 0))


def test_a_suspended_center_is_never_open(tree):
    center = make_center(tree.community1, status="suspended")
    assert state(center, at("2026-11-24 10:00"))[0] is False
    assert center.pk not in open_ids(at("2026-11-24 10:00"))


def test_calendar_knows_2025_and_2026():
    assert hours.is_statutory_holiday(dt.date(2026, 2, 17))  # Spring Festival
    assert hours.is_statutory_holiday(dt.date(2025, 10, 1))
    assert hours.is_adjusted_working_day(dt.date(2025, 9, 28))
    assert hours.is_adjusted_working_day(dt.date(2026, 1, 4))
    assert not hours.is_statutory_holiday(dt.date(2026, 3, 7))
