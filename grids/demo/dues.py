"""Demo 党费 for the members of 梅岗社区: this year's dues set for each (most in work, some
retired, two on 0.2 元, one exempted for hardship), payments up to last month for most, a few
members in arrears, two of them six months or more behind. Deterministic and idempotent (a
community whose dues are set is left alone)."""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import DuesAssessment, DuesCategory, DuesPayment, Member, PaymentMethod, Relief, Unit
from ..services import dues as dues_services

COMMUNITY = "梅岗社区"
BASES = ["2800", "3000", "3600", "4500", "5000", "5000.01", "6800", "8500", "10000", "12500", "18000"]
PENSIONS = ["3200", "4100", "5000", "5600", "7200"]


@transaction.atomic
def seed(stdout=None):
    community = Unit.objects.filter(name=COMMUNITY, level=3).first()
    if community is None or DuesAssessment.objects.under(community).exists():
        return
    rng = random.Random(14)
    year = timezone.localdate().year
    last_paid = dues_services.cutoff_month(year)  # most have paid every month gone by
    members = list(Member.objects.under(community).filter(left_reason="").order_by("pk"))
    payments = []
    for n, member in enumerate(members):
        if member.joined_on.year > year:
            continue
        extra = {}
        if n % 7 == 3:
            extra = {"category": DuesCategory.RETIRED, "pay_base": rng.choice(PENSIONS)}
        elif n in (5, 11):
            extra = {"category": DuesCategory.LOW_INCOME}
        else:
            extra = {"category": DuesCategory.WORKING, "pay_base": rng.choice(BASES)}
        if n == 8:
            extra.update(relief=Relief.EXEMPT, reason="家庭遭遇重大变故，经支部委员会研究同意免交")
        assessment = dues_services.assess(member=member, year=year, by=None, **extra)
        months = assessment.due_months(last_paid)
        if n % 9 == 4:
            months = months[: max(0, len(months) - 7)]  # seven months behind
        elif n % 6 == 1:
            months = months[: max(0, len(months) - 2)]  # two months behind
        # Paid in one or two instalments: several months at once.
        for chunk in (months[: len(months) // 2], months[len(months) // 2 :]):
            if not chunk:
                continue
            method = rng.choice(list(PaymentMethod))
            payments.append(
                DuesPayment(
                    member=member,
                    year=year,
                    first_month=chunk[0],
                    last_month=chunk[-1],
                    amount=assessment.monthly * len(chunk),
                    method=method,
                    reference=f"DEMO{member.pk:05d}{chunk[0]:02d}" if method != PaymentMethod.CASH else "",
                    paid_on=date(year, chunk[-1], 10),
                )
            )
    DuesPayment.objects.bulk_create([p for p in payments if p.amount > Decimal("0")])
    if stdout:
        stdout.write(f"Dues: {len(members)} members of {COMMUNITY}, {len(payments)} payments.")
