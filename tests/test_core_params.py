"""portal.core.params: every bad value is refused with a message, never a crash or a default."""

import datetime
from decimal import Decimal

import pytest
from django.http import QueryDict

from portal.core import params
from portal.core.params import BadParameter

BAD_NUMBERS = ["²", "١٢", "１２", "1e309", "NaN", "Infinity", "-1", "0", "99999999999999999999", "1.5", "12abc", " 1 2"]


def q(**values):
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[key] = value
    return data


@pytest.mark.parametrize("raw", BAD_NUMBERS)
def test_integer_refuses_what_is_not_ascii_digits_in_range(raw):
    with pytest.raises(BadParameter) as info:
        params.integer(q(page=raw), "page")
    assert "page" in info.value.message


def test_integer_reads_ascii_digits_and_defaults_only_when_absent():
    assert params.integer(q(n="42"), "n") == 42
    assert params.integer(q(n=" 7 "), "n") == 7
    assert params.integer(q(), "n", default=3) == 3
    assert params.integer(q(n=""), "n", default=3) == 3
    assert params.integer(q(n="-5"), "n", minimum=-10) == -5


def test_page_year_and_pk():
    assert params.page(q()) == 1
    assert params.page(q(page="4")) == 4
    with pytest.raises(BadParameter):
        params.page(q(page="100001"))
    assert params.year(q(year="2018")) == 2018
    for raw in ["1999", "2101", "99999999999999999999", "２０１８"]:
        with pytest.raises(BadParameter):
            params.year(q(year=raw))
    assert params.pk(q(), "unit") is None


@pytest.mark.parametrize("raw", ["a\x00b", "\x07", "x" * 201])
def test_text_refuses_control_characters_and_long_values(raw):
    with pytest.raises(BadParameter):
        params.text(q(q=raw), "q")


def test_text_keeps_chinese_and_strips_spaces():
    assert params.text(q(q="  梅岗社区 "), "q") == "梅岗社区"


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e309", "²", "１.５", "1,5", "12.1234567"])
def test_decimal_refuses_non_finite_and_non_ascii(raw):
    with pytest.raises(BadParameter):
        params.decimal(q(lat=raw), "lat")


def test_decimal_reads_coordinates_within_bounds():
    assert params.decimal(q(lat="22.5431"), "lat", minimum=-90, maximum=90) == Decimal("22.5431")
    with pytest.raises(BadParameter):
        params.decimal(q(lat="91"), "lat", minimum=-90, maximum=90)


@pytest.mark.parametrize("raw", ["2026-02-30", "0000-00-00", "2026-13-01", "26-1-1", "２０２６-01-01", "0001-01-01"])
def test_date_refuses_impossible_dates(raw):
    with pytest.raises(BadParameter):
        params.date(q(d=raw), "d")


def test_date_reads_iso_dates():
    assert params.date(q(d="2026-02-28"), "d") == datetime.date(2026, 2, 28)


def test_choice_and_code():
    assert params.choice(q(by="street"), "by", ["street", "community"]) == "street"
    assert params.choice(q(), "by", ["street"], default="street") == "street"
    with pytest.raises(BadParameter):
        params.choice(q(by="grid"), "by", ["street", "community"])
    assert params.code(" ms2a3b ") == "MS2A3B"
    # Codes as people copy and type them: groups split by spaces or dashes, full-width on phones.
    for typed in ["ms2a-3b", "MS2A 3B", "ＭＳ２Ａ３Ｂ", "ms2a－3b", "MS2A\u30003B"]:
        assert params.code(typed) == "MS2A3B", typed
    for raw in ["", "MS\x00", "a" * 33, "MS#12", "---", "MS.12"]:
        with pytest.raises(BadParameter):
            params.code(raw)


def test_repeated_keys_use_the_last_value():
    data = QueryDict("page=2&page=x")
    with pytest.raises(BadParameter):
        params.page(data)
