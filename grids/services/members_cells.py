"""Reading one cell of a member roster: text as typed (NFKC), dates as Excel or people write them.

Dates: a real Excel date, an Excel serial, text such as 2001-07-01, 2001/7/1, 2001.07.01,
2001年7月1日 or 20010701 (text or number). A month alone (2001.07, 2001-07, 2001年7月, 200107)
is the 1st of that month, marked approximate. A number such as 2001.1 is refused: Excel keeps
2001.10 as 2001.1, so January and October cannot be told apart.
"""

import re
import unicodedata
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

EXCEL_LAST_DAY = 2958465
_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


class DateProblem(ValueError):
    """A cell that is not a date; its message says what to write."""


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _make(year, month, day, approximate=False):
    try:
        return date(int(year), int(month), int(day)), approximate
    except ValueError as exc:
        raise DateProblem(_("Not a date: write it as 2001-07-01.")) from exc


def _from_digits(text):
    match = _DIGITS.match(text)
    if not match:
        return None
    year, month, day = match.groups()
    if not 1900 <= int(year) <= 2100:
        return None
    return _make(year, month, day or 1, approximate=day is None)


def _from_number(value):
    if isinstance(value, float) and not value.is_integer():
        whole, fraction = divmod(value, 1)
        if 1900 <= whole <= 2100:  # 2001.07 typed in a number cell
            month = round(fraction * 100)
            if month == 10 and round(fraction * 10) == 1:
                raise DateProblem(
                    _("A month typed as a number is ambiguous (2001.1 may be January or October): write it as 2001-01.")
                )
            return _make(int(whole), month, 1, approximate=True)
    number = int(value)
    found = _from_digits(str(number)) if number > 190000 else None
    if found:
        return found
    # An Excel serial: 1 is 1900-01-01, 2958465 is 9999-12-31. Below 1 openpyxl gives a time
    # of day (0 is midnight), not a date; beyond the range, no date at all.
    if not 1 <= value <= EXCEL_LAST_DAY:
        raise DateProblem(_("Not a date: write it as 2001-07-01."))
    return from_excel(value).date(), False


def read_date(value):
    """(date or None, approximate). DateProblem for a cell that is not a date."""
    if value is None or value == "":
        return None, False
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    if isinstance(value, bool):
        raise DateProblem(_("Not a date: write it as 2001-07-01."))
    if isinstance(value, int | float):
        try:
            return _from_number(value)
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, DateProblem):
                raise
            raise DateProblem(_("Not a date: write it as 2001-07-01.")) from exc
    text = cell_text(value)
    if not text:
        return None, False
    for pattern, approximate in ((_FULL, False), (_MONTH, True)):
        match = pattern.match(text)
        if match:
            year, month, *day = match.groups()
            return _make(year, month, day[0] if day else 1, approximate=approximate)
    found = _from_digits(text)
    if found:
        return found
    raise DateProblem(_("Not a date: write it as 2001-07-01."))


def cell_date(value):
    """The date alone (ValueError for a cell that is not one)."""
    return read_date(value)[0]
