"""The monthly and yearly report of a unit (issue 12): the dashboard's figures for the period,
each with the child units' table, as an Excel workbook through the one export writer. The
printable page shows the same rows (templates/portal/dashboard/report.html)."""

from django.utils.translation import gettext as _

from grids.stats.figures import Figure
from portal.core.exports import add_sheet, append_row, new_workbook, xlsx_bytes

from . import build, children, drill_rows


def cell(figure, value):
    """A figure's value as the workbook holds it: numbers as numbers (money Decimal 元)."""
    if value is None:
        return ""
    return value


def figure_rows(figure: Figure):
    """(label, value, same period a year before or "")."""
    before = cell(figure.compare, figure.compare.value) if figure.compare else ""
    return [str(figure.label), cell(figure, figure.value), before]


def report(unit, period):
    """(sections, kids, tables): what the report page and the workbook show."""
    sections = build(unit, period)
    kids = children(unit)
    tables = [
        (section, [(figure, drill_rows(unit, figure, kids)) for figure in section.figures]) for section in sections
    ]
    return sections, kids, tables


def workbook(unit, period):
    """The report as .xlsx bytes: a summary sheet, then one sheet per section with a row per
    figure and a column per child unit (the unit's own records last)."""
    sections, kids, tables = report(unit, period)
    book = new_workbook()
    summary = add_sheet(
        book, _("Summary"), [_("Figure"), _("Value"), _("Same period a year before")], widths=(40, 16, 16)
    )
    append_row(summary, [_("Unit"), unit.name, ""])
    append_row(summary, [_("Period"), period.label, f"{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"])
    for section in sections:
        append_row(summary, [str(section.title), "", ""], bold=True)
        for figure in section.figures:
            append_row(summary, figure_rows(figure))
    own = _("Held by the unit itself")
    for section, rows in tables:
        header = [_("Figure"), unit.name] + [kid.name for kid in kids] + [own]
        sheet = add_sheet(book, str(section.title), header, widths=(40,))
        for figure, drill in rows:
            by_kid = {row[0].pk if row[0] else None: row[1] for row in drill}
            values = [cell(figure, by_kid.get(kid.pk)) for kid in kids]
            append_row(
                sheet, [str(figure.label), cell(figure, figure.value), *values, cell(figure, by_kid.get(None, ""))]
            )
        for title, head, ranking in section.tables:
            append_row(sheet, [])
            append_row(sheet, [str(title)], bold=True)
            append_row(sheet, [str(h) for h in head], bold=True)
            for _url, *values in ranking:
                append_row(sheet, values)
    return xlsx_bytes(book)


def filename(unit, period):
    return f"report-{unit.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
