"""Benchmark of the member import (issue 4): N rows in one workbook, memory flat in N.

    .venv/bin/python bench/members_import.py [--rows 100000 10000] [--user futian]

--style excel (default) writes the workbook the way Excel and WPS save it (shared strings);
--style openpyxl the way openpyxl writes it (inline strings, slower to read).
Needs the demo district (`manage.py seed_demo`) in the database DATABASE_URL names. Writes
the workbooks to /tmp, then imports each with `manage.py import_members --dry-run` (every row
checked, encrypted and written with bulk_create, then rolled back, so it can be rerun) in a
fresh process, and prints the time and the peak resident memory of that process.
"""

import argparse
import os
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402

from grids.models import Level, Unit  # noqa: E402
from grids.services.members_export import COLUMNS  # noqa: E402
from grids.services.tree import attach_full_names  # noqa: E402
from portal.core.personal import id_check_character  # noqa: E402


def fake_id(n, birth):
    # Address code 98xxxx: belongs to no region (the demo seeder uses 99xxxx).
    first17 = f"98{n // 1000 % 10000:04d}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_character(first17)


def member_rows(rows):
    units = attach_full_names(Unit.objects.filter(level__in=[Level.GRID, Level.BUILDING]).order_by("path"))
    paths = [unit.full_name_text.replace(" / ", "/") for unit in units]
    if not paths:
        sys.exit("No demo district: run manage.py seed_demo first.")
    yield [str(label) for _key, label, _required, _width in COLUMNS]
    keys = [key for key, _label, _required, _width in COLUMNS if key != "phone"]
    for n in range(rows):
        birth = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
        row = dict(
            zip(
                keys,
                [
                    f"测试党员{n}",
                    "男" if n % 2 else "女",  # the 17th digit (n % 1000) is odd for men
                    "汉族",
                    birth,
                    fake_id(n, birth),
                    f"139{n:08d}",
                    "本科",
                    date(birth.year + 25, 7, 1),
                    date(birth.year + 26, 7, 1),
                    "正式党员",
                    "在册",
                    "某单位",
                    "某小区",
                    paths[n % len(paths)],
                    "",
                ],
                strict=True,
            )
        )
        yield [row.get(key, "") for key, _label, _required, _width in COLUMNS]


def make_openpyxl_workbook(rows, path):
    """As openpyxl writes it (and the portal's own export): every string inline in the sheet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员")
    for row in member_rows(rows):
        sheet.append(row)
    book.save(path)


XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def make_excel_like_workbook(rows, path):
    """As Excel and WPS save it: strings in a shared-string table, dates as styled serials."""
    write_excel_like(path, member_rows(rows), columns=len(COLUMNS), rows=rows + 1)


def write_excel_like(path, table, *, columns, rows, sheet_name="党员"):
    """Write the rows of `table` as Excel and WPS save a workbook: strings in a shared-string
    table, dates as styled serials, numbers as numbers. Written by hand (streamed) because
    openpyxl only writes inline strings."""
    strings = {}
    epoch = date(1899, 12, 30)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as out:
            dimension = f'<dimension ref="A1:{chr(64 + columns)}{rows}"/>'
            out.write(f'{XML}<worksheet xmlns="{MAIN}">{dimension}<sheetData>'.encode())
            for r, row in enumerate(table, start=1):
                cells = []
                for c, value in enumerate(row):
                    ref = f"{chr(65 + c)}{r}"
                    if isinstance(value, date):
                        cells.append(f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>')
                    elif isinstance(value, int | float):
                        cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                    elif value not in ("", None):
                        index = strings.setdefault(value, len(strings))
                        cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
                out.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())
            out.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'{XML}<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())
            for text in strings:
                out.write(f"<si><t>{escape(text)}</t></si>".encode())
            out.write(b"</sst>")
        zf.writestr(
            "[Content_Types].xml",
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'{XML}<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{XML}<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC}/styles" Target="styles.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/styles.xml",
            f'{XML}<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>",
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--user", default="futian")
    parser.add_argument("--style", choices=["excel", "openpyxl"], default="excel", help="How strings are stored.")
    args = parser.parse_args()
    make = make_excel_like_workbook if args.style == "excel" else make_openpyxl_workbook
    for rows in args.rows:
        path = Path(f"/tmp/bench-members-{args.style}-{rows}.xlsx")
        started = time.perf_counter()
        make(rows, path)
        made = time.perf_counter() - started
        print(f"{rows} rows ({args.style}): workbook {path.stat().st_size / 1e6:.1f} MB made in {made:.1f} s")
        command = [
            sys.executable,
            str(ROOT / "manage.py"),
            "import_members",
            str(path),
            "--user",
            args.user,
            "--dry-run",
        ]
        output = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        print(output.stdout.strip().splitlines()[-1] if output.stdout.strip() else output.stderr[-2000:])


if __name__ == "__main__":
    main()
