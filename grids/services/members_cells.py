"""Reading one cell of a member workbook: text as typed, dates as Excel or people write them."""

from datetime import date, datetime

from openpyxl.utils.datetime import from_excel


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


EXCEL_LAST_DAY = 2958465


def cell_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        # An Excel serial: 1 is 1900-01-01, 2958465 is 9999-12-31. Below 1 openpyxl gives a
        # time of day (0 is midnight), not a date; beyond the range, no date at all.
        if not 1 <= value <= EXCEL_LAST_DAY:
            raise ValueError(value)
        return from_excel(value).date()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
