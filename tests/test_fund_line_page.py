"""A fund line's staff page: its budget, what its projects hold and spent, and its 变更记录;
linked from the fund-line list for lines of the user's subtree only."""

from decimal import Decimal

from django.urls import reverse

from grids.models import AuditEntry
from projects.models import FundLine
from tests.factory_micro import in_progress, make_line, make_project, spent


def test_the_page_shows_budget_reservations_spending_and_history(tree, people, client_for):
    line = make_line(tree.street1, amount="800000.00")
    project = in_progress(make_project(tree.community1, title="楼道照明"), line, actor=people.huafu)
    spent(project, amount="1234.50", payee="某某五金店", actor=people.huafu)
    # A change on the admin's form (by a superuser) lands in its 变更记录 with who and what.
    admin = client_for(people.superuser)
    change = reverse("admin:projects_fundline_change", args=[line.pk])
    data = {"category": line.category, "unit": line.unit_id, "year": line.year, "amount": "900000.00", "note": "追加"}
    assert admin.post(change, data).status_code == 302
    entry = AuditEntry.objects.filter(object_pk=str(line.pk), content_type__model="fundline").latest("pk")
    assert entry.actor == people.superuser and entry.changes["amount"] == ["800000.00", "900000.00"]

    client = client_for(people.huafu)
    listed = client.get(reverse("micro_staff_funds")).content.decode()
    url = reverse("micro_staff_fund", args=[line.pk])
    assert url in listed
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "楼道照明" in page and "某某五金店" in page and "1,234.50" in page and "900,000.00" in page
    assert response.context["spent"] == Decimal("1234.50")
    assert response.context["line"].reserved == project.reserved_amount
    # 变更记录: the change above, who made it.
    assert "root" in page and "900000.00" in page


def test_lines_above_the_subtree_are_listed_not_opened_and_outside_is_404(tree, people, client_for):
    district_line = make_line(tree.district, amount="5000000.00")
    outside = FundLine.objects.create(unit=tree.street2, year=2026, category="party_care", amount=Decimal("10"))
    client = client_for(people.huafu)
    listed = client.get(reverse("micro_staff_funds")).content.decode()
    assert "5,000,000.00" in listed and reverse("micro_staff_fund", args=[district_line.pk]) not in listed
    assert client.get(reverse("micro_staff_fund", args=[district_line.pk])).status_code == 404
    assert client.get(reverse("micro_staff_fund", args=[outside.pk])).status_code == 404
    assert client.get("/staff/micro/funds/99999999999999999999/").status_code == 404
