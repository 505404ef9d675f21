"""Members to Excel (.xlsx, openpyxl): the import template and the export of a filtered list.

COLUMNS is the layout of both, and of the workbooks members_import reads back.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.core import exports

from ..models import RevealKind, Unit
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
TEXT_COLUMNS = {"id_card", "mobile"}  # kept as text: Excel would round an 18-digit number
TEXT_INDEXES = {index for index, (key, _label, _required, _width) in enumerate(COLUMNS) if key in TEXT_COLUMNS}
TEMPLATE_ROWS = 1000  # rows of the template whose number columns are formatted as text


def _members_sheet(workbook):
    header = [label for _key, label, _required, _width in COLUMNS]
    widths = [width for _key, _label, _required, width in COLUMNS]
    return exports.add_sheet(workbook, str(_("Party members")), header, widths=widths)


def template_workbook(units=()):
    """The import template: Chinese headers, number columns as text, and a sheet listing the
    units (with `full_name_text`) one may import into, to copy paths from."""
    # An ordinary workbook: its empty rows are formatted before anyone types in them.
    workbook = exports.new_workbook(write_only=False)
    sheet = _members_sheet(workbook)
    exports.format_as_text(sheet, TEXT_INDEXES, rows=range(2, TEMPLATE_ROWS + 2))
    notes = exports.add_sheet(workbook, str(_("Instructions")), widths=[100])
    for line in [
        _("One member per row from row 2 on; do not change the header row."),
        _("Required columns: name, gender, date of birth, ID-card number, date joined, status, category, unit."),
        _("Dates as 2001-07-01. ID-card and mobile numbers as text."),
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
    return exports.xlsx_bytes(workbook)


def export_workbook(members, *, user, full=False, chunk_size=2000, progress=None):
    """The members (a queryset already scoped and filtered) as .xlsx; full numbers only when
    `full` (the caller checked the user is a 管理员), each reveal recorded. Read in chunks and
    written in openpyxl's write-only mode, so a large export does not hold every member."""
    members = members.order_by("unit__path", "name", "pk")
    units = Unit.objects.filter(pk__in=members.values("unit_id")).only("pk", "name", "path")
    paths = {unit.pk: unit.full_name_text.replace(" / ", "/") for unit in attach_full_names(units)}
    workbook = exports.new_workbook()
    sheet = _members_sheet(workbook)
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
                    member.get_education_display(),
                    member.joined_on,
                    member.full_member_on,
                    member.get_status_display(),
                    member.get_category_display(),
                    member.workplace,
                    member.address,
                    paths[member.unit_id],
                    member.outside_org,
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
