"""Units from Excel with a preview (issue 10, §3): preview writes nothing, confirmation writes
all rows or none, precise row/column messages, the export imports back (round trip), scope."""

import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grids.models import Job, JobStatus, Level, OrgKind, Unit
from grids.services import bulk_import
from grids.services.units_io import UnitsImporter
from tests import factory_bulk as fb
from tests.factory import make_unit, make_user

ROWS = [
    ["第2网格", "网格", "", "第2网格党支部", "网格党支部", "440304008001002", 31.778, 117.265],
    ["1栋", "楼栋", "第2网格", "1栋党小组", "楼栋党小组", "", 31.7782, 117.2651],
    ["2栋", "楼栋", "梅岗社区/第2网格", "", "", "", None, None],
]


def _preview(client, unit, rows, **options):
    response = client.post(reverse("units_import", args=[unit.pk]), {"workbook": fb.upload("units", rows, **options)})
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    return job


def _confirm(client, job):
    response = client.post(reverse("bulk_import_confirm", args=[job.pk]))
    new = Job.objects.latest("pk")
    assert response.status_code == 302 and new.pk != job.pk
    return new


def _label(key):
    return next(str(label) for k, label, _r in UnitsImporter.COLUMNS if k == key)


def test_preview_writes_nothing_then_the_confirmation_writes_every_row(tree, people, client_for):
    client = client_for(people.huafu)
    job = _preview(client, tree.community1, ROWS, title="梅岗社区网格和楼栋")  # a title row above the header
    assert job.status == JobStatus.DONE and job.result["preview"] and not job.errors
    assert fb.counts(job) == [3, 3, 0]
    assert job.result["sample"][1] == ["1栋", str(Level.BUILDING.label), "第2网格"]
    assert not Unit.objects.filter(name="第2网格").exists()
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert reverse("bulk_import_confirm", args=[job.pk]) in page
    done = _confirm(client, job)
    assert done.status == JobStatus.DONE and done.started_by == people.huafu and not done.result["preview"]
    grid = Unit.objects.get(name="第2网格")
    assert (grid.parent, grid.level, grid.org_kind, grid.code) == (
        tree.community1,
        Level.GRID,
        OrgKind.GRID_BRANCH,
        "440304008001002",
    )
    assert grid.latitude == Decimal("31.778000") and grid.longitude == Decimal("117.265000")
    buildings = Unit.objects.filter(parent=grid).order_by("name")
    assert [b.name for b in buildings] == ["1栋", "2栋"] and buildings[0].org_kind == OrgKind.BUILDING_GROUP
    assert buildings[0].path.startswith(grid.path)


def test_one_bad_row_and_nothing_is_written(tree, people, client_for):
    client = client_for(people.huafu)
    rows = ROWS + [
        ["3栋", "小区", "第2网格", "", "", "", "北纬", None],
        ["4栋", "楼栋", "第9网格", "", "", "", None, None],
    ]
    job = _preview(client, tree.community1, rows)
    assert job.status == JobStatus.FAILED
    found = {(error["row"], error["column"]) for error in job.errors}
    assert found == {(5, _label("level")), (5, _label("latitude")), (5, _label("longitude")), (6, _label("parent"))}
    assert "第9网格" in next(e["message"] for e in job.errors if e["row"] == 6)
    # A failed preview cannot be confirmed; the real run of a good file that the database then
    # refuses (a code taken meanwhile) writes nothing either.
    assert client.post(reverse("bulk_import_confirm", args=[job.pk])).status_code == 302
    assert Job.objects.latest("pk").pk == job.pk
    good = _preview(client, tree.community1, ROWS)
    Unit.objects.filter(pk=tree.grid2.pk).update(code="440304008001002")
    done = _confirm(client, good)
    assert done.status == JobStatus.FAILED and done.errors[0]["row"] == 2
    assert not Unit.objects.filter(name__in=["第2网格", "1栋", "2栋"]).exists()


def test_round_trip_export_then_import(tree, people, client_for):
    client = client_for(people.huafu)
    _confirm(client, _preview(client, tree.community1, ROWS))
    exported = client.get(reverse("units_export", args=[tree.community1.pk]))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == bulk_import.headers(UnitsImporter)
    names = [row[0] for row in rows[1:]]
    assert sorted(names) == sorted(["第1网格", "11栋", "第2网格", "1栋", "2栋"])
    assert names.index("第2网格") < names.index("1栋") and names.index("第1网格") < names.index("11栋")
    # Back into the same community: nothing new, nothing changed.
    again = _preview(client, tree.community1, rows[1:])
    assert not again.errors and fb.counts(again) == [5, 0, 0]
    # Edited in Excel: one changed row.
    rows[1 + names.index("1栋")][3] = "1栋楼栋党小组"
    edited = _confirm(client, _preview(client, tree.community1, rows[1:]))
    assert fb.counts(edited) == [5, 0, 1]
    assert Unit.objects.get(name="1栋", parent__name="第2网格").org_name == "1栋楼栋党小组"
    # Into another community: the same tree, anew (codes are unique: left out).
    other = make_unit(Level.COMMUNITY, "新社区", tree.street1)
    for row in rows[1:]:
        row[5] = ""
    copied = _confirm(client, _preview(client, other, rows[1:]))
    assert copied.status == JobStatus.DONE and fb.counts(copied) == [5, 5, 0]
    assert Unit.objects.under(other, include_self=False).count() == 5


def test_outside_the_scope_and_the_wrong_level(tree, people, client_for):
    client = client_for(people.huafu)
    upload = {"workbook": fb.upload("units", ROWS)}
    assert client.post(reverse("units_import", args=[tree.community2.pk]), upload).status_code == 404
    assert client.get(reverse("units_export", args=[tree.community2.pk])).status_code == 404
    assert client.get(reverse("units_import", args=[tree.street1.pk])).status_code == 404
    assert client_for(people.viewer).get(reverse("units_import", args=[tree.community1.pk])).status_code == 403
    assert not Job.objects.exists()
    # The preview of another's job cannot be confirmed from outside.
    job = _preview(client_for(people.huafu), tree.community1, ROWS)
    assert client_for(people.lianhua).post(reverse("bulk_import_confirm", args=[job.pk])).status_code == 404
    assert client_for(people.viewer).post(reverse("bulk_import_confirm", args=[job.pk])).status_code == 403


def test_templates_have_the_import_headers(tree, people, client_for):
    client = client_for(people.huafu)
    for name, cls in bulk_import.IMPORTERS.items():
        response = client.get(reverse(f"{name}_import_template", args=[tree.community1.pk]))
        assert response.status_code == 200, name
        book = load_workbook(io.BytesIO(response.content))
        header = [cell.value for cell in book.worksheets[0][1]]
        assert header == bulk_import.headers(cls), name
        assert len(book.worksheets) == 2  # the rows, and the instructions


def test_templates_read_no_member_post_or_claim(tree, people, client_for):
    """A template names no record: the finders an import needs (every member, building group and
    post under the unit: 131 s and 812 MB at ten times a district) are built for a row, not for it."""
    client = client_for(people.huafu)
    tables = ("grids_member", "grids_servicepost", "grids_postclaim")
    for name in ("reports", "claims", "posts"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"{name}_import_template", args=[tree.community1.pk])).status_code == 200
        read = [q["sql"] for q in queries.captured_queries if any(f'"{table}"' in q["sql"] for table in tables)]
        assert read == [], name


def test_not_a_workbook_and_no_header(tree, people, client_for):
    client = client_for(people.huafu)
    response = client.post(
        reverse("units_import", args=[tree.community1.pk]),
        {"workbook": fb.SimpleUploadedFile("units.xlsx", b"not a zip")},
    )
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and job.status == JobStatus.FAILED and job.errors[0]["row"] == 1
    headless = fb.SimpleUploadedFile("units.xlsx", fb.workbook("posts", [["a", "b", "c", 1]]))
    client.post(reverse("units_import", args=[tree.community1.pk]), {"workbook": headless})
    job = Job.objects.latest("pk")
    assert job.status == JobStatus.FAILED and _label("name") in job.errors[0]["message"]


def test_under_a_grid_only_its_building_groups(tree, people, client_for):
    """A grid's staffer imports building groups into their grid, never beside it."""
    other_grid = make_unit(Level.GRID, "第3网格", tree.community1)
    staffer = make_user("grid_staffer", tree.grid1)
    client = client_for(staffer)
    rows = [["新网格", "网格", "", "", "", "", None, None], ["12栋", "楼栋", "第3网格", "", "", "", None, None]]
    job = _preview(client, tree.grid1, rows)
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, _label("parent")), (3, _label("parent"))]
    assert client.post(reverse("units_import", args=[tree.community1.pk]), {}).status_code == 404
    ok = _confirm(client, _preview(client, tree.grid1, [["12栋", "楼栋", "第1网格", "", "", "", None, None]]))
    assert ok.status == JobStatus.DONE and Unit.objects.get(name="12栋").parent == tree.grid1
    assert not Unit.objects.filter(parent=other_grid).exists()
