"""Kept reports and the 数据公开 page (issue 12): the scheduled job writes the past month's report
of the district and every street once, staff download those of their scope; the open-data page
shows /open/stats.json's figures as charts with their tables and a CSV download."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
from django.urls import reverse

from grids.models import UnitReport
from portal import stats
from portal.core.periods import Period
from portal.dashboards import build
from portal.dashboards.jobs import due_periods, unit_reports
from tests.factory_dashboard import grow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_due_periods_are_the_past_month_and_in_january_the_past_year():
    assert due_periods(date(2026, 3, 1)) == [Period("month", date(2026, 2, 1), date(2026, 2, 28))]
    assert due_periods(date(2026, 1, 15)) == [
        Period("month", date(2025, 12, 1), date(2025, 12, 31)),
        Period("year", date(2025, 1, 1), date(2025, 12, 31)),
    ]


def test_the_job_keeps_one_report_per_street_and_the_district(tree, people, client_for):
    grow(tree, 2)
    first = datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI)
    assert unit_reports(now=first) == 3  # 福田区, 华富街道, 莲花街道
    assert unit_reports(now=first) == 0  # the next hour writes nothing twice
    kept = UnitReport.objects.get(unit=tree.street1)
    assert (kept.kind, kept.start, kept.end) == ("month", date(2026, 10, 1), date(2026, 10, 31))
    client = client_for(people.huafu)
    response = client.get(reverse("report_download", args=[kept.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    period = Period("month", date(2026, 10, 1), date(2026, 10, 31))
    for section in build(tree.street1, period):
        for figure in section.figures:
            if figure.kind in ("count",):
                assert summary[str(figure.label)] == figure.value, figure.key
    # Another street's report is outside 华富's scope; the list shows only 华富's.
    other = UnitReport.objects.get(unit=tree.street2)
    assert client.get(reverse("report_download", args=[other.pk])).status_code == 404
    listing = client.get(reverse("report_list")).content.decode()
    assert kept.title in listing and other.title not in listing


def test_the_open_data_page_draws_the_public_figures(tree, client):
    grow(tree, 2)
    figures = stats.build()
    response = client.get(reverse("open_data"))
    assert response.status_code == 200
    charts = {chart["key"]: chart for chart in response.context["charts"]}
    assert sum(charts["open-centers"]["series"][0]["data"]) == figures["centers"]["total"]
    assert charts["open-members"]["series"][0]["data"] == list(figures["members"]["by_category"].values())
    stages = charts["open-micro-stages"]["series"][0]["data"]
    assert stages[0] == figures["micro_projects"]["proposed"] > 0
    assert 'id="dashboard-charts"' in response.content.decode()
    # Each chart's table is in the page (read without JavaScript) and in the CSV download.
    assert response.content.decode().count('class="chart-data') == len(charts)
    download = client.get(reverse("open_data"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    title = charts["open-micro-stages"]["title"]
    at = rows.index([title])
    assert rows[at + 2][1] == str(figures["micro_projects"]["proposed"])  # title, header, then 征集
    assert client.get(reverse("open_data"), {"year": "20x6"}).status_code == 400
