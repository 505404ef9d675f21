"""党费: set a member's dues for a year, record payments and their reversals, and read the
arrears and the yearly statement of an organisation (grids.models.dues has the 2008 rules)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.money import ZERO, format_yuan

from ..models.dues import (
    FARMER_MAX,
    FARMER_MIN,
    DuesAssessment,
    DuesCategory,
    DuesPayment,
    PaymentMethod,
    Relief,
    monthly_amount,
)

# Members this many due months unpaid are flagged to their branch: the Party Constitution
# (article 9) counts six months without paying dues, without good reason, as leaving the Party.
BEHIND_MONTHS = 6
# The most members whose standings a page computes (a branch holds tens to hundreds): above it the
# dues pages name the organisations below instead (issue 15: no page reads a whole district).
LISTED = 2_000


def first_month_due(member, year):
    """Members pay from January, or from the month they were admitted in `year`."""
    if member.joined_on.year > year:
        raise ValidationError({"year": _("The member had not joined the Party in that year.")})
    return member.joined_on.month if member.joined_on.year == year else 1


def assess(*, member, year, category, pay_base="", fixed_amount=None, relief="", relief_amount=None, reason="", by):
    """Set (or set again) the member's dues for `year`. Returns the DuesAssessment."""
    errors = {}
    standard = None
    existing = DuesAssessment.objects.filter(member=member, year=year).first()
    if not pay_base and existing and existing.pay_base_encrypted:
        pay_base = existing.pay_base.reveal()  # the form leaves the stored base empty to keep it
    if category in (DuesCategory.WORKING, DuesCategory.RETIRED):
        if not pay_base:
            errors["pay_base"] = _("Enter the monthly pay or pension the dues are based on.")
        else:
            pay_base = DuesAssessment.pay_base.kind.validate(pay_base)
            standard = monthly_amount(category, base=Decimal(pay_base))
    else:
        pay_base = ""  # not kept when the rules do not use it
        if category == DuesCategory.FARMER:
            if fixed_amount is None or not FARMER_MIN <= fixed_amount <= FARMER_MAX:
                errors["fixed_amount"] = _("A farmer pays between 0.20 and 1.00 yuan a month.")
            else:
                standard = monthly_amount(category, fixed=fixed_amount)
        else:
            standard = monthly_amount(category)
    monthly = standard
    if relief and not reason.strip():
        errors["relief_reason"] = _("Give the reason the branch approved the relief.")
    if relief == Relief.EXEMPT:
        monthly = ZERO
    elif relief == Relief.REDUCED and standard is not None:
        if relief_amount is None or not ZERO < relief_amount < standard:
            errors["relief_amount"] = _("A reduced amount is more than 0 and less than %(amount)s yuan.") % {
                "amount": format_yuan(standard)
            }
        else:
            monthly = relief_amount
    first = None
    try:
        first = first_month_due(member, year)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assessment = existing or DuesAssessment(member=member, year=year)
    assessment.category = category
    assessment.pay_base = pay_base
    assessment.standard_amount = standard
    assessment.relief = relief or ""
    assessment.relief_reason = reason.strip() if relief else ""
    assessment.monthly = monthly
    assessment.first_month = first
    assessment.set_by = by
    assessment.save()
    return assessment


@transaction.atomic
def record_payment(*, member, year, first_month, last_month, amount, method, reference="", paid_on, note="", by):
    """Record the payment of months `first_month`..`last_month` of `year`: each must be due and
    unpaid, and the amount at least their dues (a member may pay more, never less)."""
    assessment = DuesAssessment.objects.select_for_update().filter(member=member, year=year).first()
    if assessment is None:
        raise ValidationError({"year": _("Set this member's dues for the year first.")})
    if first_month > last_month:
        raise ValidationError({"last_month": _("The last month paid cannot come before the first.")})
    if method == PaymentMethod.ONLINE and not reference.strip():
        raise ValidationError({"reference": _("An online payment needs its reference.")})
    months = set(range(first_month, last_month + 1))
    not_due = sorted(months - set(assessment.due_months()))
    if not_due:
        raise ValidationError(
            {"first_month": _("No dues are due for month(s) %(months)s.") % {"months": _months_text(not_due)}}
        )
    paid = sorted(months & paid_months(member, year))
    if paid:
        raise ValidationError(
            {"first_month": _("Month(s) %(months)s are already paid.") % {"months": _months_text(paid)}}
        )
    due = assessment.monthly * len(months)
    if amount < due:
        raise ValidationError({"amount": _("The dues for these months are %(due)s yuan.") % {"due": format_yuan(due)}})
    return DuesPayment.objects.create(
        member=member,
        year=year,
        first_month=first_month,
        last_month=last_month,
        amount=amount,
        method=method,
        reference=reference.strip(),
        paid_on=paid_on,
        note=note.strip(),
        recorded_by=by,
    )


@transaction.atomic
def reverse_payment(*, payment, reason, by):
    """Cancel a payment recorded by mistake with an opposite entry (the payment stays)."""
    payment = DuesPayment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_reversal or DuesPayment.objects.filter(reverses=payment).exists():
        raise ValidationError(_("This payment has already been reversed or is itself a reversal."))
    if not reason.strip():
        raise ValidationError({"note": _("Say why the payment is reversed.")})
    return DuesPayment.objects.create(
        member=payment.member,
        year=payment.year,
        first_month=payment.first_month,
        last_month=payment.last_month,
        amount=-payment.amount,
        method=payment.method,
        reference=payment.reference,
        paid_on=timezone.localdate(),
        note=reason.strip(),
        reverses=payment,
        recorded_by=by,
    )


def paid_months(member, year):
    months = set()
    for payment in DuesPayment.objects.standing().filter(member=member, year=year):
        months.update(payment.months)
    return months


def _months_text(months):
    return "、".join(str(m) for m in months)


def cutoff_month(year, today=None):
    """The last month of `year` whose dues are owed by `today`: the months gone by (a month's dues
    are paid during the month), all twelve for a past year."""
    today = today or timezone.localdate()
    if year < today.year:
        return 12
    return today.month - 1 if year == today.year else 0


@dataclass
class Standing:
    """One member's dues in a year: what is due, paid and owed up to the cut-off."""

    member: object
    assessment: object
    paid_months: set = field(default_factory=set)
    collected: Decimal = ZERO
    cutoff: int = 12
    behind: int = 0  # unpaid due months over this and the previous year, for the flag

    @property
    def due_months(self):
        return self.assessment.due_months(self.cutoff) if self.assessment else []

    @property
    def unpaid_months(self):
        return [m for m in self.due_months if m not in self.paid_months]

    @property
    def due(self):
        return self.assessment.monthly * len(self.due_months) if self.assessment else ZERO

    @property
    def arrears(self):
        return self.assessment.monthly * len(self.unpaid_months) if self.assessment else ZERO

    @property
    def flagged(self):
        return self.behind >= BEHIND_MONTHS


def standings(members, year, today=None):
    """Standing of each member (an iterable of Member) in `year`; three queries whatever the count.

    The 6-month flag counts unpaid due months of the previous year too, so a member behind since
    the autumn is flagged in January."""
    today = today or timezone.localdate()
    members = list(members)
    ids = [m.pk for m in members]
    assessments = {
        (a.member_id, a.year): a for a in DuesAssessment.objects.filter(member_id__in=ids, year__in=(year - 1, year))
    }
    paid, collected = {}, {}
    for payment in DuesPayment.objects.filter(member_id__in=ids, year__in=(year - 1, year)).select_related(
        "reversed_by"
    ):
        if payment.year == year:
            collected[payment.member_id] = collected.get(payment.member_id, ZERO) + payment.amount
        if payment.is_reversal or _is_reversed(payment):
            continue
        paid.setdefault((payment.member_id, payment.year), set()).update(payment.months)
    rows = []
    for member in members:
        row = Standing(
            member,
            assessments.get((member.pk, year)),
            paid.get((member.pk, year), set()),
            collected.get(member.pk, ZERO),
            cutoff_month(year, today),
        )
        before = Standing(member, assessments.get((member.pk, year - 1)), paid.get((member.pk, year - 1), set()))
        before.cutoff = cutoff_month(year - 1, today)
        row.behind = len(row.unpaid_months) + (len(before.unpaid_months) if year == today.year else 0)
        rows.append(row)
    return rows


def _is_reversed(payment):
    try:
        return payment.reversed_by is not None
    except DuesPayment.reversed_by.RelatedObjectDoesNotExist:
        return False


def totals(rows):
    return {
        "due": sum((r.due for r in rows), ZERO),
        "collected": sum((r.collected for r in rows), ZERO),
        "arrears": sum((r.arrears for r in rows), ZERO),
        "flagged": sum(1 for r in rows if r.flagged),
    }
