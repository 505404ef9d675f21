"""The member import meets the files staff really have (issue 10, §2): a 全国党员管理信息系统-style
roster (title row, hidden first sheet, its headers and vocabulary, numbers stored as numbers,
month-only dates, full-width digits, landlines), .csv in UTF-8 and GBK, a protected file, the
preview, update by import and an edited export imported back. Every workbook is a real .xlsx."""

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grids.demo.members import fake_id_card
from grids.models import Category, Education, Gender, Job, JobStatus, Member, MemberStatus, RefusedRegistration
from grids.services.members import NOT_HERE
from grids.services.members_columns import NO_HEADER
from grids.services.members_export import COLUMNS
from grids.services.members_import import import_workbook
from grids.services.members_sheets import _protected
from tests.factory_members import make_member, member_row, workbook

NATIONAL = ["姓　名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "入党时间", "转正时间"]
NATIONAL += ["所在党支部", "联系电话", "家庭住址", "工作单位", "备注"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _id(n, birth, gender=Gender.MALE):
    return fake_id_card(n, birth, gender)


def _id_ending_in_x(birth):
    return next(number for n in range(5000, 6000) if (number := _id(n, birth)).endswith("X"))


def _national(rows, *, hidden_first=True, title="梅岗社区党员花名册"):
    """A roster as the national system exports it: a hidden sheet first, a title row, its headers."""
    book = Workbook()
    if hidden_first:
        book.active.title = "说明"
        book.active.append(["姓名", "公民身份号码", "入党时间", "不是这张表"])
        book.active.sheet_state = "hidden"
        sheet = book.create_sheet("党员")
    else:
        sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(NATIONAL)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(name, id_card, *, birth, joined, full=None, education="大学专科", status="正式党员", phone="", **extra):
    values = {
        "姓　名": name,
        "性别": "男",
        "民族": "",
        "公民身份号码": id_card,
        "出生日期": birth,
        "学历": education,
        "人员类别": status,
        "入党时间": joined,
        "转正时间": full,
        "所在党支部": "梅岗社区第一网格党支部",
        "联系电话": phone,
        "家庭住址": "梅岗小区1栋",
        "工作单位": "某公司",
        "备注": "仅供参考",
    }
    values.update(extra)
    return [values[header] for header in NATIONAL]


@pytest.fixture
def branch(tree):
    tree.grid1.org_name = "梅岗社区第一网格党支部"
    tree.grid1.save()
    return tree.grid1


def test_a_national_roster_imports_as_it_is(tree, people, branch):
    birth = date(1971, 3, 9)
    first, second, third = _id(101, birth), _id_ending_in_x(date(1980, 5, 17)), _id(103, date(1985, 1, 2))
    rows = [
        # Excel dates, a landline, national 学历, a blank 民族
        _row(
            "万　云",
            first,
            birth=datetime(1971, 3, 9),
            joined=datetime(1998, 7, 1),
            full=datetime(1999, 7, 1),
            phone="0510-85123456",
            education="中等专科",
        ),
        # lowercase x, full-width digits, month-only dates as text, a mobile in 联系电话
        _row(
            "李 明",
            second.translate(FULL_WIDTH).replace("Ｘ", "x"),
            birth="1980-05-17",
            joined="2001.07",
            full="2002年7月",
            phone="１３９１２３４５６７８",
            education="硕士研究生",
        ),
        # 20010701 as a number; probationary
        _row("赵强", third, birth=19850102, joined=20240701, full=None, status="预备党员", education="博士研究生"),
    ]
    result = import_workbook(io.BytesIO(_national(rows)), user=people.huafu, dry_run=True)
    assert result.ok, result.errors
    assert result.header_row == 3 and result.rows == 3 and result.created == 3
    assert Member.objects.count() == 0  # a preview writes nothing
    assert result.ignored == ["备注"]  # named, not dropped silently
    assert [written for written, _field in result.understood] == NATIONAL[:-1]
    assert result.category_asked and result.category == Category.REGISTERED
    assert [cell[1] for cell in result.sample[0]["cells"]][:1] == ["万云"]

    result = import_workbook(io.BytesIO(_national(rows)), user=people.huafu, category=Category.IN_SERVICE)
    assert result.ok and result.created == 3
    wan = Member.objects.get(name="万云")  # spaces inside the name removed
    assert wan.unit == branch and wan.ethnicity == "" and wan.education == Education.TECHNICAL
    assert wan.mobile == "" and wan.phone.reveal() == "0510-85123456" and "*" in wan.phone
    assert wan.joined_on == date(1998, 7, 1) and not wan.joined_on_approximate
    assert wan.category == Category.IN_SERVICE
    li = Member.objects.get(name="李明")
    assert li.reveal_id_card() == second and li.reveal_mobile() == "13912345678"
    assert (li.joined_on, li.joined_on_approximate) == (date(2001, 7, 1), True)
    assert (li.full_member_on, li.full_member_on_approximate) == (date(2002, 7, 1), True)
    assert li.education == Education.MASTER
    zhao = Member.objects.get(name="赵强")
    assert (zhao.joined_on, zhao.status, zhao.education) == (date(2024, 7, 1), MemberStatus.PROBATIONARY, "doctorate")
    assert Member.objects.filter(name__contains="万云").exists()


def test_the_hidden_first_sheet_is_not_read_and_a_roster_without_header_is_named(tree, people, branch):
    rows = [_row("万云", _id(111, date(1971, 3, 9)), birth="1971-03-09", joined="1998-07-01")]
    assert import_workbook(io.BytesIO(_national(rows)), user=people.huafu, dry_run=True).ok
    book = Workbook()
    book.active.append(["梅岗社区党员花名册"])
    book.active.append(["甲", "乙", "丙"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=people.huafu)
    assert [(e.row, e.message) for e in result.errors] == [(1, str(NO_HEADER % {"n": 10}))]


def test_numbers_stored_as_numbers_and_bad_national_cells_are_precise(tree, people, branch):
    birth = date(1971, 3, 9)
    rows = [
        _row("甲", float(_id(121, birth)[:17] + "0"), birth="1971-03-09", joined="1998-07-01"),
        _row("乙", _id(122, birth), birth="1971-03-09", joined=2001.1),  # 2001.10 as Excel keeps it
        _row("丙", _id(123, birth), birth="1971-03-09", joined="1998-07-01", phone="12345"),
        _row("丁", _id(124, birth), birth="1971-03-09", joined="1998-07-01", education="高中或中专"),
    ]
    result = import_workbook(io.BytesIO(_national(rows)), user=people.huafu, dry_run=True)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert set(found) == {(4, "公民身份号码"), (5, "入党时间"), (6, "联系电话"), (7, "学历")}
    assert "Excel" in found[(4, "公民身份号码")]
    assert "2001.1" in found[(5, "入党时间")]


def test_csv_in_utf8_and_gbk(tree, people, branch):
    birth = date(1971, 3, 9)
    lines = [",".join(NATIONAL)]
    lines.append(
        ",".join(str(cell or "") for cell in _row("钱多", _id(131, birth), birth="1971-03-09", joined="1998.07"))
    )
    text = "\r\n".join(lines) + "\r\n"
    for content in (text.encode("utf-8-sig"), text.encode("gbk")):
        result = import_workbook(io.BytesIO(content), user=people.huafu, dry_run=True)
        assert result.ok and result.created == 1, result.errors


def test_an_old_xls_roster_imports_like_an_xlsx(tree, people, branch):
    # A real BIFF8 .xls (what older offices still keep), written by xlwt, read by xlrd:
    # a title row above the headers, the date as an Excel date, the ID as text.
    import xlwt  # a dev dependency: CI installs it, so this test never skips

    birth = date(1968, 5, 4)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("党员")
    sheet.write(0, 0, "梅岗社区党员花名册")
    values = _row("孙　立", _id(141, birth), birth=birth, joined="1990.07", phone="0755-83001234")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for column, header in enumerate(NATIONAL):
        sheet.write(2, column, header)
        cell = values[column]
        if isinstance(cell, date):
            sheet.write(3, column, datetime(cell.year, cell.month, cell.day), dates)
        elif cell not in (None, ""):
            sheet.write(3, column, cell)
    content = io.BytesIO()
    book.save(content)
    result = import_workbook(io.BytesIO(content.getvalue()), user=people.huafu)
    assert result.ok and result.created == 1, result.errors
    member = Member.objects.get(name="孙立")
    assert member.birth_date == birth
    assert member.joined_on == date(1990, 7, 1) and member.joined_on_approximate
    assert member.reveal_id_card() == _id(141, birth)


def test_a_password_protected_file_says_so(tree, people):
    # Excel keeps a protected workbook as an OLE2 container holding an EncryptedPackage stream.
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    result = import_workbook(io.BytesIO(content), user=people.huafu)
    assert [e.message for e in result.errors] == [str(_protected().messages[0])]


def test_an_id_outside_the_scope_is_refused_neutrally_and_recorded(tree, people, branch):
    elsewhere = make_member(tree.grid2, "外人")
    row = _row("外人", elsewhere.reveal_id_card(), birth=elsewhere.birth_date, joined="2005-07-01")
    result = import_workbook(io.BytesIO(_national([row])), user=people.huafu, dry_run=True)
    assert [(e.row, e.message) for e in result.errors] == [(4, str(NOT_HERE))]
    assert RefusedRegistration.objects.get().id_card_hash == elsewhere.id_card_hash


def test_an_edited_export_imports_back_and_changes_only_the_changed(tree, people, client_for):
    members = [make_member(tree.grid1, f"党员{n}") for n in range(3)]
    client = client_for(people.huafu)
    content = client.get(reverse("member_export", args=[tree.street1.pk])).content  # masked numbers
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    names = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    names["党员1"][header.index("工作单位")].value = "新单位"
    assert "*" in names["党员1"][header.index("公民身份号码")].value  # masked: must not matter
    buffer = io.BytesIO()
    book.save(buffer)
    before = {m.pk: (m.updated_at, m.id_card_hash, m.mobile_hash) for m in Member.objects.all()}

    response = client.post(reverse("member_import"), {"workbook": SimpleUploadedFile("m.xlsx", buffer.getvalue())})
    preview = Job.objects.latest("pk")
    assert preview.status == JobStatus.DONE, preview.errors
    assert preview.summary == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}
    changes = preview.result["preview"]["changes"]
    assert changes == [{"row": 3, "name": "党员1", "fields": [["工作单位", "", "新单位"]]}]
    page = client.get(response["Location"]).content.decode()
    assert "新单位" in page and reverse("member_import_confirm", args=[preview.pk]) in page
    seen = client_for(people.viewer).get(response["Location"]).content.decode()  # 查看: the preview only
    assert "新单位" in seen and reverse("member_import_confirm", args=[preview.pk]) not in seen

    client = client_for(people.huafu)
    client.post(reverse("member_import_confirm", args=[preview.pk]))
    assert Job.objects.latest("pk").status == JobStatus.DONE
    after = {m.pk: (m.updated_at, m.id_card_hash, m.mobile_hash) for m in Member.objects.all()}
    changed = {pk for pk in before if before[pk][0] != after[pk][0]}
    assert changed == {members[1].pk}
    assert all(before[pk][1:] == after[pk][1:] for pk in before)  # masked cells left the numbers
    assert Member.objects.get(pk=members[1].pk).workplace == "新单位"


def test_a_row_with_a_known_id_updates_that_member(tree, people):
    member = make_member(tree.grid1, "老党员", education=Education.BACHELOR)
    row = member_row(1, name="老党员", education="硕士研究生", id_card=member.reveal_id_card())
    row |= {
        "birth_date": member.birth_date,
        "gender": "男",
        "joined_on": date(2005, 7, 1),
        "full_member_on": date(2006, 7, 1),
    }
    row["mobile"] = ""
    result = import_workbook(io.BytesIO(workbook([row])), user=people.huafu)
    assert result.ok and (result.created, result.updated) == (0, 1)
    member.refresh_from_db()
    assert member.education == Education.MASTER and member.mobile == ""  # a blank stays blank


def test_template_has_drop_downs_text_columns_and_instructions(tree, people, client_for):
    content = client_for(people.huafu).get(reverse("member_import_template", args=[tree.street1.pk])).content
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in sheet.data_validations.dataValidation}
    columns = {name: chr(65 + header.index(name)) for name in ("性别", "民族", "学历", "党员状态", "党员类别")}
    assert set(columns.values()) <= set(lists)
    hidden = [ws for ws in book.worksheets if ws.sheet_state == "hidden"]
    assert len(hidden) == 1
    values = [row[0] for row in hidden[0].iter_rows(values_only=True)]
    assert "男" in values and len([v for v in values if v]) >= 2
    units = [row[-1] for row in hidden[0].iter_rows(values_only=True) if row[-1]]
    assert "福田区/华富街道/梅岗社区/第1网格" in units and not any("莲花" in u for u in units)
    assert sheet.column_dimensions[chr(65 + header.index("公民身份号码"))].number_format == "@"
    assert any("全国党员管理信息系统" in str(row[0]) for row in book.worksheets[1].iter_rows(values_only=True))


def test_the_command_previews_with_dry_run_and_takes_the_category(tree, people, branch, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_national([_row("孙立", _id(141, date(1971, 3, 9)), birth="1971-03-09", joined="1998.07")]))
    out = io.StringIO()
    call_command("import_members", str(path), "--user", "huafu", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "columns ignored: 备注" in printed and "new=1" in printed and "nothing written" in printed
    assert Member.objects.count() == 0
    call_command("import_members", str(path), "--user", "huafu", "--category", "mobile", stdout=io.StringIO())
    assert Member.objects.get().category == Category.MOBILE
    path.write_bytes(_national([_row("孙立", "123", birth="1971-03-09", joined="1998.07")]))
    with pytest.raises(CommandError):
        call_command("import_members", str(path), "--user", "huafu", stdout=io.StringIO())


def test_report_and_claim_columns_go_through_the_posts_services(tree, people):
    from grids.models import PostClaim, Report
    from tests.factory_members import make_post

    post = make_post(tree.building1, name="楼道清洁", capacity=1)
    rows = [member_row(n, category="在职报到", unit="梅岗社区/第1网格/11栋") for n in (1, 2)]
    book = Workbook()
    sheet = book.active
    keys = list(rows[0])
    sheet.append([*[str(label) for key, label, *_rest in COLUMNS if key in keys], "报到楼栋", "认领岗位"])
    order = [key for key, *_rest in COLUMNS if key in keys]
    for row in rows:
        sheet.append([*[row[key] for key in order], "梅岗社区/第1网格/11栋", "楼道清洁"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=people.huafu)
    # One place on the post: the second claim is refused by claim_post, and nothing is written.
    assert [(e.row, e.column) for e in result.errors] == [(3, "认领岗位")]
    assert not Report.objects.exists() and not PostClaim.objects.exists()
    post.capacity = 2
    post.save()
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=people.huafu)
    assert result.ok, result.errors
    assert (
        Report.objects.filter(building=tree.building1).count() == 2 and PostClaim.objects.filter(post=post).count() == 2
    )
