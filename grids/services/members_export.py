"""Members to Excel (.xlsx, openpyxl): the import template and the export of a filtered list.

COLUMNS is the layout of both, and of the workbooks members_import reads back. The export adds
the record key (记录编号), so an export edited in Excel imports back as updates: masked numbers
leave the stored ones unchanged, and only members whose cells changed are changed.
"""

from itertools import zip_longest

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.core import exports

from ..models import Category, Education, Gender, MemberStatus, RevealKind, Unit
from . import members as member_services
from .tree import attach_full_names

# (key, header, required, width). The headers are the template's, in the user's language
# (Chinese by default); the importer accepts them in any of the portal's languages.
COLUMNS = [
    ("name", pgettext_lazy("person", "Name"), True, 10),
    ("gender", gettext_lazy("Gender"), True, 6),
    ("ethnicity", gettext_lazy("Ethnicity"), False, 8),
    ("birth_date", gettext_lazy("Date of birth"), True, 12),
    ("id_card", gettext_lazy("ID-card number"), True, 22),
    ("mobile", gettext_lazy("Mobile number"), False, 14),
    ("phone", gettext_lazy("Landline"), False, 16),
    ("education", gettext_lazy("Education"), False, 14),
    ("joined_on", gettext_lazy("Date joined the Party"), True, 14),
    ("full_member_on", gettext_lazy("Date of full membership"), False, 14),
    ("status", pgettext_lazy("party member", "Status"), True, 10),
    ("category", pgettext_lazy("party member", "Category"), True, 12),
    ("workplace", gettext_lazy("Workplace"), False, 20),
    ("address", gettext_lazy("Home address"), False, 24),
    ("unit", gettext_lazy("Unit (path or division code)"), True, 36),
    ("outside_org", gettext_lazy("Party organisation outside the district"), False, 24),
]
HEADER = {key: label for key, label, _required, _width in COLUMNS}
TEXT_COLUMNS = {"id_card", "mobile", "phone"}  # kept as text: Excel would round an 18-digit number
TEXT_INDEXES = {index for index, (key, _label, _required, _width) in enumerate(COLUMNS) if key in TEXT_COLUMNS}
RECORD_KEY_LABEL = gettext_lazy("Record key")
VALIDATED_ROWS = 200_000  # the drop-downs cover as many rows as an import takes
# 56 民族 (GB/T 3304), for the drop-down; a blank stays blank.
ETHNICITIES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()


def _members_sheet(workbook, *, record_key=False, text_columns=()):
    header = [label for _key, label, _required, _width in COLUMNS] + ([RECORD_KEY_LABEL] if record_key else [])
    widths = [width for _key, _label, _required, width in COLUMNS] + ([10] if record_key else [])
    return exports.add_sheet(workbook, str(_("Party members")), header, widths=widths, text_columns=text_columns)


def _column(key):
    return get_column_letter([column for column, *_rest in COLUMNS].index(key) + 1)


def _lists_sheet(workbook, units):
    """A hidden sheet of the drop-downs' values: {column key: range}."""
    sheet = workbook.create_sheet(str(_("Lists")))
    sheet.sheet_state = "hidden"
    lists = {
        "gender": [str(label) for _v, label in Gender.choices],
        "ethnicity": ETHNICITIES,
        "education": [str(label) for _v, label in Education.choices],
        "status": [str(label) for _v, label in MemberStatus.choices],
        "category": [str(label) for _v, label in Category.choices],
        "unit": [unit.full_name_text.replace(" / ", "/") for unit in units],
    }
    # A write-only sheet is written a row at a time: the lists side by side, blank below the shorter.
    for row in zip_longest(*lists.values()):
        exports.append_row(sheet, row)
    ranges = {}
    for index, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        if values:
            ranges[key] = f"'{sheet.title}'!${letter}$1:${letter}${len(values)}"
    return ranges


def _drop_downs(sheet, ranges):
    for key, cells in ranges.items():
        validation = DataValidation(type="list", formula1=cells, allow_blank=True, showErrorMessage=key != "unit")
        validation.error = str(_("Choose a value from the list."))
        validation.add(f"{_column(key)}2:{_column(key)}{VALIDATED_ROWS + 1}")
        # Kept by a write-only sheet too: it writes its validations when the workbook is saved.
        sheet.data_validations.append(validation)


def template_workbook(units=()):
    """The import template: Chinese headers; the number columns formatted as text for the whole
    column; drop-downs for 性别, 民族, 学历, 党员状态, 党员类别 and the unit (from a hidden sheet
    of lists); a sheet of instructions and one listing the units (with `full_name_text`)."""
    # Write-only: the units listed twice (a district at 10x: 11,593) in a tenth of the memory of an
    # ordinary workbook (1.8 MB instead of 15.8); the time is the XML writer's, about the same.
    workbook = exports.new_workbook()
    sheet = _members_sheet(workbook, text_columns=TEXT_INDEXES)
    notes = exports.add_sheet(workbook, str(_("Instructions")), widths=[100])
    for line in [
        _("One member per row from row 2 on; do not change the header row."),
        _("Required columns: name, gender, date of birth, ID-card number, date joined, status, category, unit."),
        _("Dates as 2001-07-01; 2001.07 when only the month is known (recorded as approximate)."),
        _("ID-card, mobile and landline numbers as text: the columns are already formatted so."),
        _("Gender, ethnicity, education, status, category and unit: choose from the drop-down lists."),
        _("A blank cell stays blank: nothing is filled in for you (not even the ethnicity)."),
        _("A roster exported from 全国党员管理信息系统 can be uploaded as it is, title rows included."),
        _("A row whose ID-card number is already registered in your units updates that member."),
        _("Gender: 男 or 女. Status: 正式党员 or 预备党员. Category: 在册, 在职报到 or 流动."),
        _("Unit: the path from the district, such as 福田区/华富街道/梅岗社区/第1网格, or a division code."),
        _("If one row is wrong nothing is imported: fix the rows listed and upload again."),
    ]:
        exports.append_row(notes, [line])
    if units:
        listing = exports.add_sheet(workbook, str(_("Units")), [_("Unit path"), _("Division code")], widths=[50, 16])
        for unit in units:
            # Codes are digits people copy into the unit column: text, not a number.
            exports.append_row(listing, [unit.full_name_text.replace(" / ", "/"), unit.code], text_columns={1})
    _drop_downs(sheet, _lists_sheet(workbook, units))
    return exports.xlsx_bytes(workbook)


def _month(day, approximate):
    """A date known to the month only is written as it was given (2001.07), so it imports back so."""
    return f"{day:%Y.%m}" if day and approximate else day


def export_workbook(members, *, user, full=False, chunk_size=2000, progress=None):
    """The members (a queryset already scoped and filtered) as .xlsx; full numbers only when
    `full` (the caller checked the user is a 管理员), each reveal recorded. Read in chunks and
    written in openpyxl's write-only mode, so a large export does not hold every member."""
    members = members.order_by("unit__path", "name", "pk")
    units = Unit.objects.filter(pk__in=members.values("unit_id")).only("pk", "name", "path")
    paths = {unit.pk: unit.full_name_text.replace(" / ", "/") for unit in attach_full_names(units)}
    workbook = exports.new_workbook()
    sheet = _members_sheet(workbook, record_key=True)
    chunk = []
    total = members.count() if progress else 0
    written = 0

    def write():
        nonlocal written
        numbers = member_services.reveal(user=user, members=chunk, kind=RevealKind.EXPORT) if full else {}
        for member in chunk:
            id_card, mobile = numbers.get(member.pk, (member.id_card_masked, member.mobile_masked))
            exports.append_row(
                sheet,
                [
                    member.name,
                    member.get_gender_display(),
                    member.ethnicity,
                    member.birth_date,
                    id_card,
                    mobile,
                    member.phone.reveal() if full and member.phone_encrypted else member.phone_masked,
                    member.get_education_display(),
                    _month(member.joined_on, member.joined_on_approximate),
                    _month(member.full_member_on, member.full_member_on_approximate),
                    member.get_status_display(),
                    member.get_category_display(),
                    member.workplace,
                    member.address,
                    paths[member.unit_id],
                    member.outside_org,
                    member.pk,
                ],
                text_columns=TEXT_INDEXES,
            )
        written += len(chunk)
        chunk.clear()
        if progress:
            progress(written, total)

    for member in members.iterator(chunk_size=chunk_size):
        chunk.append(member)
        if len(chunk) >= chunk_size:
            write()
    write()
    return exports.xlsx_bytes(workbook)
