"""Excel import (all-or-nothing, every bad row named) and export (masked unless a 管理员 asks)."""

import io
import logging
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from grids.models import Category, Job, JobStatus, Member, PersonalDataReveal
from grids.services import unit_counts
from grids.services.members_export import COLUMNS, RECORD_KEY_LABEL
from grids.services.members_import import import_workbook
from tests.factory_members import make_member, member_row, workbook

HEADERS = [str(label) for _key, label, _required, _width in COLUMNS]


def _upload(content, name="members.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _import(client, content, name="members.xlsx", **data):
    """The web import: upload (a preview job), then confirm (the import job). Returns both jobs."""
    before = list(Member.objects.values_list("pk", "updated_at"))
    response = client.post(reverse("member_import"), {"workbook": _upload(content, name), **data})
    preview = Job.objects.latest("pk")
    assert list(Member.objects.values_list("pk", "updated_at")) == before  # the preview wrote nothing
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[preview.pk])
    assert preview.kind == "members_preview"
    if preview.status != JobStatus.DONE:
        return preview, None
    response = client.post(reverse("member_import_confirm", args=[preview.pk]), data)
    job = Job.objects.latest("pk")
    assert job.kind == "members_import" and response["Location"] == reverse("job_detail", args=[job.pk])
    return preview, job


def _cells(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_template_has_chinese_headers_and_the_units(tree, people, client_for):
    response = client_for(people.huafu).get(reverse("member_import_template", args=[tree.street1.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:5] == ["姓名", "性别", "民族", "出生日期", "公民身份号码"]
    units = [row[0] for row in book.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert "福田区/华富街道/梅岗社区/第1网格" in units and not any("莲花" in unit for unit in units)


def test_import_good_rows(tree, people, client_for):
    rows = [member_row(1), member_row(2, unit="华富街道/梅岗社区/第1网格/11栋"), member_row(3, unit="440304008001")]
    rows[2]["unit"] = "福田区/华富街道/梅岗社区/第1网格"
    rows.append(member_row(4, category="在职报到", outside_org="深圳市某局机关党委", unit="梅岗社区/第1网格/11栋"))
    # Jobs run at once in tests (the immediate backend); tests/test_jobs.py runs a worker.
    preview, job = _import(client_for(people.huafu), workbook(rows))
    assert preview.summary == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0}
    assert job.status == JobStatus.DONE, job.errors
    assert job.summary == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0} and job.started_by == people.huafu
    assert Member.objects.count() == 4
    member = Member.objects.get(name="党员2")
    assert member.unit == tree.building1 and member.reveal_id_card() == rows[1]["id_card"]
    assert Member.objects.get(name="党员4").category == Category.IN_SERVICE
    assert unit_counts.differences() == {}  # the bulk insert's kept counts recomputed


def test_one_bad_row_among_a_thousand_imports_nothing_and_is_named(tree, people, client_for):
    rows = [member_row(n) for n in range(1000)]
    bad = rows[611]
    bad["id_card"] = bad["id_card"][:17] + ("0" if bad["id_card"][17] != "0" else "1")  # wrong check digit
    client = client_for(people.huafu)
    response = client.post(reverse("member_import"), {"workbook": _upload(workbook(rows))}, follow=True)
    assert Member.objects.count() == 0
    job = response.context["job"]
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(613, "公民身份号码")]  # header is row 1
    html = response.content.decode()
    assert "613" in html and "校验位" in html
    assert bad["id_card"] not in html


def test_every_bad_row_is_reported(tree, people, client_for):
    existing = make_member(tree.grid1, "老党员")
    rows = [member_row(n) for n in range(12)]
    rows[1]["name"] = ""
    rows[2]["birth_date"] = date(1901, 1, 1)
    rows[3]["mobile"] = "12345"
    rows[4]["unit"] = "福田区/莲花街道/狮岭社区/第1网格"  # another street
    rows[5] = rows[0] | {"name": "重复"}  # the same number twice in the file
    rows[6] = rows[0] | {"id_card": existing.reveal_id_card(), "birth_date": existing.birth_date, "gender": "男"}
    rows[6] |= {"joined_on": date(2005, 7, 1), "full_member_on": date(2006, 7, 1)}  # an update: no problem
    rows[7]["status"] = "预备党员"  # probationary with a date of full membership
    rows[8]["joined_on"] = "不是日期"
    rows[9]["category"] = "退休"
    rows[10]["outside_org"] = "某外单位党委"  # only for in-service members
    rows[11]["unit"] = "福田区/华富街道/梅岗社区"  # a community: members sit in a grid or building
    result = import_workbook(io.BytesIO(workbook(rows)), user=people.huafu)
    assert result.created == 0 and Member.objects.count() == 1
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "姓名"),
        (4, "出生日期"),
        (5, "手机号码"),
        (6, "所在组织（路径或代码）"),
        (7, "公民身份号码"),
        (9, "转正日期"),
        (10, "入党日期"),
        (11, "党员类别"),
        (12, "区外组织关系所在党组织"),
        (13, "所在组织（路径或代码）"),
    }
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e.message) for e in result.errors)


def test_an_id_typed_as_a_number_and_missing_columns(tree, people):
    row = member_row(1)
    row["id_card"] = 110105194912310020
    result = import_workbook(io.BytesIO(workbook([row])), user=people.huafu)
    assert [(e.row, e.column) for e in result.errors] == [(2, "公民身份号码")]
    result = import_workbook(io.BytesIO(b"not a workbook"), user=people.huafu)
    assert result.errors and result.errors[0].row == 1
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "性别"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=people.huafu)
    assert "公民身份号码" in result.errors[0].message


def test_import_for_a_staffer_of_another_street(tree, people, client_for):
    rows = [member_row(n) for n in range(3)]
    client = client_for(people.lianhua)
    response = client.post(reverse("member_import"), {"workbook": _upload(workbook(rows))}, follow=True)
    assert response.context["job"].status == JobStatus.FAILED
    assert {e["row"] for e in response.context["job"].errors} == {2, 3, 4}
    assert not Member.objects.exists()
    assert (
        client_for(people.viewer).post(reverse("member_import"), {"workbook": _upload(workbook(rows))}).status_code
        == 403
    )


def test_export_is_masked_and_scoped(tree, people, client_for):
    inside = make_member(tree.grid1, "华富人")
    outside = make_member(tree.grid2, "莲花人")
    response = client_for(people.huafu).get(reverse("member_export", args=[tree.street1.pk]), {"q": "人"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    cells = _cells(response.content)
    assert cells[0] == [*HEADERS, str(RECORD_KEY_LABEL)]
    assert [row[0] for row in cells[1:]] == ["华富人"]
    flat = " ".join(str(value) for row in cells for value in row)
    assert inside.reveal_id_card() not in flat and inside.id_card_masked in flat
    assert inside.reveal_mobile() not in flat and inside.mobile_masked in flat
    # A staffer of another street cannot export this street, and their own export lacks it.
    lianhua = client_for(people.lianhua)
    assert lianhua.get(reverse("member_export", args=[tree.street1.pk])).status_code == 404
    assert lianhua.post(reverse("member_export", args=[tree.street1.pk])).status_code == 404
    own = _cells(lianhua.get(reverse("member_export", args=[tree.street2.pk])).content)
    assert [row[0] for row in own[1:]] == ["莲花人"]
    assert outside.pk and not PersonalDataReveal.objects.exists()


def test_full_numbers_only_for_an_administrator_and_recorded(tree, people, client_for):
    members = [make_member(tree.grid1, f"党员{n}") for n in range(3)]
    url = reverse("member_export", args=[tree.street1.pk])
    assert client_for(people.huafu).post(url).status_code == 403
    assert client_for(people.viewer).post(url).status_code == 403
    assert not PersonalDataReveal.objects.exists()
    response = client_for(people.district_admin).post(url, {"q": "党员"})
    flat = " ".join(str(value) for row in _cells(response.content) for value in row)
    assert all(member.reveal_id_card() in flat for member in members)
    reveals = PersonalDataReveal.objects.all()
    assert {(r.user, r.member, r.kind) for r in reveals} == {(people.district_admin, m, "export") for m in members}


def test_no_full_number_in_the_logs(tree, people, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    member = make_member(tree.grid1, "日志")
    rows = [member_row(1), member_row(2)]
    rows[1]["id_card"] = member.reveal_id_card()
    client = client_for(people.district_admin)
    client.post(reverse("member_import"), {"workbook": _upload(workbook(rows))})
    client.post(reverse("member_reveal", args=[member.pk]))
    client.post(reverse("member_export", args=[tree.street1.pk]))
    client.get(reverse("member_detail", args=[member.pk + 999]))
    logged = caplog.text
    for secret in (member.reveal_id_card(), member.reveal_mobile(), rows[0]["id_card"], rows[0]["mobile"]):
        assert secret not in logged


@pytest.mark.parametrize("name", ["report.pdf", "report.docx"])
def test_other_files_are_refused_clearly(name, tree, people, client_for):
    response = client_for(people.huafu).post(reverse("member_import"), {"workbook": _upload(b"a,b", name)})
    assert response.status_code == 200 and "workbook" in response.context["form"].errors


def test_duplicates_across_batches_are_found(tree, people):
    existing = make_member(tree.grid1, "老党员")
    rows = [member_row(n) for n in range(7)]
    rows[5] = rows[1] | {"name": "重复"}  # two batches later
    rows[6] = rows[0] | {"id_card": existing.reveal_id_card(), "birth_date": existing.birth_date, "gender": "男"}
    rows[6] |= {"joined_on": date(2005, 7, 1), "full_member_on": date(2006, 7, 1)}
    result = import_workbook(io.BytesIO(workbook(rows)), user=people.huafu, batch_size=2)
    # The last row holds the number of a member the importer may edit: an update, not a problem.
    assert [(e.row, e.message) for e in result.errors] == [(7, "该公民身份号码在文件中重复出现。")]
    assert Member.objects.count() == 1 and result.created == 0


@pytest.mark.parametrize("cell", [0, 0.5, -1, -1_000_000, 1e9, 1e20, True, "零", "2026-02-30"])
def test_a_non_date_in_a_date_cell_is_a_row_error(tree, people, client_for, cell):
    # 0 in a date cell was a 500: openpyxl reads serial 0 as a time of day, not a date.
    rows = [member_row(1), member_row(2, joined_on=cell)]
    client = client_for(people.huafu)
    response = client.post(reverse("member_import"), {"workbook": _upload(workbook(rows))}, follow=True)
    job = response.context["job"]
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (3, "入党日期", "不是有效日期：请按 2001-07-01 的格式填写。")
    ]
    assert Member.objects.count() == 0
