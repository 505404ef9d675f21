"""党费 by the 2008 rules: the rate table at every edge, fixed amounts, relief, payments and their
reversals, arrears and the 6-month flag, the pages and who sees a pay base."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import DuesAssessment, DuesCategory, DuesPayment, MemberStatus, PaymentMethod, Relief
from grids.models.dues import monthly_amount
from grids.services import dues
from tests import factory_members as fm

W, R = DuesCategory.WORKING, DuesCategory.RETIRED


@pytest.mark.parametrize(
    "category, base, amount",
    [
        (W, "0.00", "0.00"),
        (W, "2999.99", "15.00"),
        (W, "3000.00", "15.00"),  # 0.5% up to and including 3,000
        (W, "3000.01", "30.00"),  # 1% of the whole base above it
        (W, "4000.00", "40.00"),
        (W, "5000.00", "50.00"),
        (W, "5000.01", "75.00"),  # 1.5% of the whole base: 75.00015
        (W, "10000.00", "150.00"),
        (W, "10000.01", "200.00"),  # 2%
        (W, "12345.67", "246.91"),  # 246.9134, rounded to the fen
        (W, "3001.50", "30.02"),  # 30.015 rounds half up
        (R, "5000.00", "25.00"),  # pensions: 0.5% up to 5,000
        (R, "5000.01", "50.00"),  # 1% above
        (R, "2999.99", "15.00"),
        (R, "12000.00", "120.00"),
    ],
)
def test_the_rate_applies_to_the_whole_base(category, base, amount):
    assert monthly_amount(category, base=Decimal(base)) == Decimal(amount)


def test_fixed_amounts():
    assert monthly_amount(DuesCategory.FARMER, fixed=Decimal("0.5")) == Decimal("0.50")
    assert monthly_amount(DuesCategory.LOW_INCOME) == Decimal("0.20")


@pytest.fixture
def member(tree):
    return fm.make_member(tree.grid1, "交党费")


def test_assessing_a_working_member_stores_the_base_encrypted(member, people):
    a = dues.assess(member=member, year=2025, category=W, pay_base="5,000.01", by=people.meigang)
    a.refresh_from_db()
    assert a.monthly == a.standard_amount == Decimal("75.00")
    assert a.pay_base == "****.**" and a.pay_base.reveal() == "5000.01"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM grids_duesassessment WHERE id = %s", [a.pk])
        assert not any("5000" in str(value) for value in cursor.fetchone())
    # Set again without a base: the stored one is kept.
    again = dues.assess(member=member, year=2025, category=R, by=people.meigang)
    assert again.pk == a.pk and again.monthly == Decimal("50.00")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"category": W}, "pay_base"),
        ({"category": W, "pay_base": "abc"}, None),
        ({"category": DuesCategory.FARMER, "fixed_amount": Decimal("1.50")}, "fixed_amount"),
        ({"category": DuesCategory.FARMER, "fixed_amount": Decimal("0.10")}, "fixed_amount"),
        ({"category": W, "pay_base": "4000", "relief": Relief.EXEMPT}, "relief_reason"),
        (
            {
                "category": W,
                "pay_base": "4000",
                "relief": Relief.REDUCED,
                "relief_amount": Decimal("40.00"),
                "reason": "病",
            },
            "relief_amount",
        ),
    ],
)
def test_assessments_refused(member, people, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        dues.assess(member=member, year=2025, by=people.meigang, **kwargs)
    if field:
        assert field in caught.value.message_dict
    assert not DuesAssessment.objects.exists()


def test_relief_and_fixed_amounts(member, people):
    farmer = dues.assess(member=member, year=2024, category=DuesCategory.FARMER, fixed_amount=Decimal("0.6"), by=None)
    assert farmer.monthly == Decimal("0.60") and farmer.pay_base == ""
    low = dues.assess(member=member, year=2025, category=DuesCategory.LOW_INCOME, by=None)
    assert low.monthly == Decimal("0.20")
    reduced = dues.assess(
        member=member,
        year=2025,
        category=W,
        pay_base="8000",
        relief=Relief.REDUCED,
        relief_amount=Decimal("20.00"),
        reason="家人重病",
        by=None,
    )
    assert (reduced.standard_amount, reduced.monthly) == (Decimal("120.00"), Decimal("20.00"))
    exempt = dues.assess(member=member, year=2025, category=W, relief=Relief.EXEMPT, reason="低保户", by=None)
    assert exempt.monthly == Decimal("0.00") and exempt.due_months() == []


def test_a_probationary_member_pays_from_the_month_admitted(tree):
    newcomer = fm.make_member(
        tree.grid1, "预备党员", joined_on=date(2025, 4, 20), full_member_on=None, status=MemberStatus.PROBATIONARY
    )
    a = dues.assess(member=newcomer, year=2025, category=W, pay_base="3000", by=None)
    assert a.first_month == 4 and a.due_months() == list(range(4, 13))
    with pytest.raises(ValidationError):
        dues.assess(member=newcomer, year=2024, category=W, pay_base="3000", by=None)


def _pay(member, first, last, amount, year=2025, **extra):
    extra.setdefault("method", PaymentMethod.CASH)
    return dues.record_payment(
        member=member,
        year=year,
        first_month=first,
        last_month=last,
        amount=Decimal(amount),
        paid_on=date(year, last, 1),
        by=None,
        **extra,
    )


def test_payments_several_months_and_their_rules(member):
    dues.assess(member=member, year=2025, category=W, pay_base="4000", by=None)  # 40.00 a month
    _pay(member, 1, 3, "120.00")
    assert dues.paid_months(member, 2025) == {1, 2, 3}
    for first, last, amount, field in [
        (3, 4, "80.00", "first_month"),  # March already paid
        (4, 5, "79.99", "amount"),  # less than due
    ]:
        with pytest.raises(ValidationError) as caught:
            _pay(member, first, last, amount)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError):
        _pay(member, 4, 4, "40.00", method=PaymentMethod.ONLINE)  # no reference
    with pytest.raises(ValidationError):
        _pay(member, 1, 1, "40.00", year=2024)  # no dues set for 2024
    _pay(member, 4, 4, "50.00", method=PaymentMethod.ONLINE, reference="WX123")  # paying more is allowed
    assert DuesPayment.objects.count() == 2


def test_a_reversal_corrects_a_payment_and_keeps_it(member):
    dues.assess(member=member, year=2025, category=W, pay_base="4000", by=None)
    payment = _pay(member, 1, 2, "80.00")
    reversal = dues.reverse_payment(payment=payment, reason="记错人", by=None)
    assert reversal.amount == Decimal("-80.00") and reversal.reverses == payment
    assert dues.paid_months(member, 2025) == set()
    with pytest.raises(ValidationError):
        dues.reverse_payment(payment=payment, reason="再次", by=None)
    _pay(member, 1, 2, "80.00")  # the months can be paid again
    row = dues.standings([member], 2025, today=date(2025, 3, 10))[0]
    assert row.collected == Decimal("80.00") and row.arrears == 0


def test_arrears_and_the_six_month_flag(tree):
    behind = fm.make_member(tree.grid1, "欠费")
    paying = fm.make_member(tree.grid1, "按时")
    for m in (behind, paying):
        dues.assess(member=m, year=2024, category=W, pay_base="2000", by=None)  # 10.00
        dues.assess(member=m, year=2025, category=W, pay_base="2000", by=None)
    _pay(behind, 1, 9, "90.00", year=2024)  # owes Oct–Dec 2024
    _pay(paying, 1, 12, "120.00", year=2024)
    _pay(paying, 1, 1, "10.00")
    today = date(2025, 3, 15)  # January and February have gone by
    rows = {r.member.name: r for r in dues.standings([behind, paying], 2025, today=today)}
    assert rows["欠费"].unpaid_months == [1, 2] and rows["欠费"].arrears == Decimal("20.00")
    assert rows["欠费"].behind == 5 and not rows["欠费"].flagged  # 3 + 2: five months
    assert rows["按时"].unpaid_months == [2] and not rows["按时"].flagged
    rows = {r.member.name: r for r in dues.standings([behind, paying], 2025, today=date(2025, 4, 1))}
    assert rows["欠费"].behind == 6 and rows["欠费"].flagged  # six months: flagged
    totals = dues.totals(rows.values())
    assert totals == {"due": Decimal("60.00"), "collected": Decimal("10.00"), "arrears": Decimal("50.00"), "flagged": 1}
    # A past year is owed whole.
    past = dues.standings([behind], 2024, today=today)[0]
    assert past.unpaid_months == [10, 11, 12] and past.due == Decimal("120.00")


def test_the_pages(member, people, client_for, tree):
    dues.assess(member=member, year=2025, category=W, pay_base="5000.01", by=None)
    staff = client_for(people.meigang)
    page = staff.get(reverse("member_dues", args=[member.pk]), {"year": 2025}).content.decode()
    assert "5000.01" in page and "75.00" in page  # EDIT on the unit: the base in full
    viewer = client_for(people.viewer)
    page = viewer.get(reverse("member_dues", args=[member.pk]), {"year": 2025}).content.decode()
    assert "5000.01" not in page and "****.**" in page and "75.00" in page
    for url in (
        reverse("dues_list") + "?year=2025",
        reverse("dues_statement", args=[tree.community1.pk]) + "?year=2025",
    ):
        page = staff.get(url).content.decode()
        assert "交党费" in page and "5000.01" not in page and "****" not in page
    response = client_for(people.meigang).post(
        reverse("member_dues_pay", args=[member.pk]),
        {
            "year": 2025,
            "first_month": 1,
            "last_month": 2,
            "amount": "150.00",
            "method": "cash",
            "paid_on": "2025-02-01",
        },
    )
    assert response.status_code == 302 and dues.paid_months(member, 2025) == {1, 2}
    response = client_for(people.meigang).post(
        reverse("member_dues_pay", args=[member.pk]),
        {"year": 2025, "first_month": 3, "last_month": 3, "amount": "1.00", "method": "cash", "paid_on": "2025-03-01"},
    )
    assert response.status_code == 200 and "75.00" in response.content.decode()
    assert DuesPayment.objects.count() == 1


def test_the_arrears_list_keeps_its_query_count(tree, people, client_for, django_assert_max_num_queries):
    for n in range(12):
        m = fm.make_member(tree.grid1, f"党员{n}")
        dues.assess(member=m, year=2025, category=W, pay_base="3000", by=None)
        _pay(m, 1, 1, "15.00")
    client = client_for(people.meigang)
    client.get(reverse("dues_list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("dues_list"), {"year": 2025, "arrears": "1"}).status_code == 200


def test_the_demo_has_arrears_an_exemption_and_the_flag(db):
    from grids import demo
    from grids.models import Unit

    demo.seed()
    demo.seed()  # idempotent
    meigang = Unit.objects.get(name="梅岗社区")
    assessments = DuesAssessment.objects.under(meigang)
    assert assessments.filter(relief=Relief.EXEMPT).count() == 1
    assert assessments.filter(category=DuesCategory.LOW_INCOME).exists()
    rows = dues.standings([a.member for a in assessments], assessments.first().year)
    if rows[0].cutoff > 7:  # late enough in the year for seven months behind
        assert sum(r.flagged for r in rows) >= 2
    if rows[0].cutoff > 1:
        assert 2 <= sum(r.arrears > 0 for r in rows) < len(rows) / 2


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dues_pages_read_a_branch_at_most(tree, people, client_for, django_assert_num_queries, monkeypatch):
    # Above LISTED members (5 here) the list and the statement offer the organisations below and
    # read no member: the same queries for 6 members as for 12, and no name shown (issue 15).
    monkeypatch.setattr(dues, "LISTED", 5)
    client = client_for(people.meigang)
    urls = [reverse("dues_list"), reverse("dues_statement", args=[tree.community1.pk])]
    for n in range(3):
        fm.make_member(tree.grid1, f"党员{n}")
    small = [_count(client, url) for url in urls]
    assert all("党员0" in client.get(url).content.decode() for url in urls)  # a branch: every member
    for n in range(3, 6):
        fm.make_member(tree.grid1, f"党员{n}")
    over = [_count(client, url) for url in urls]
    for n in range(6, 12):
        fm.make_member(tree.grid1, f"党员{n}")
    for url, queries in zip(urls, over, strict=True):
        with django_assert_num_queries(queries):
            page = client.get(url).content.decode()
        assert "党员0" not in page and tree.grid1.name in page
    assert max(over) <= max(small)
