"""Money of 民生微实事 after 立项: spending against an approved project (overruns only by a 管理员,
out of the same fund line), social investment kept apart, and the fund lines themselves.

Like the lifecycle in micro.py, each function locks the rows it reads before it writes: the
project's row, and the fund line's row before reading what is left of it.

Spending is never edited nor deleted: reverse_expenditure corrects a mistake with a reversing
entry, and every total stays a database sum over both.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.scope import MANAGE, scope_for
from portal.core.money import MoneySum, coalesce_money, format_yuan
from portal.core.uploads import stored_document

from ..models.funds import Expenditure, FundLine, SocialInvestment
from ..models.micro import MicroProject, MicroStatus
from .micro import clean_text, fail, fund_line_left, lock_project, refresh, spent_on
from .micro_rules import check_date, check_spending_date

__all__ = ["record_expenditure", "record_social_investment", "reverse_expenditure", "save_fund_line"]

SPENDING_STATUSES = (MicroStatus.APPROVED, MicroStatus.IN_PROGRESS, MicroStatus.ACCEPTED)


def record_expenditure(*, project, actor, amount, date, payee, note="", voucher=None, overrun_reason=""):
    """Spend against an approved project; past the approved amount only a 管理员, with a reason."""
    if amount is None or amount <= 0:
        fail(_("An expenditure must be more than zero."))
    if not clean_text(payee) or date is None:
        fail(_("Give the payee and the date."))
    with transaction.atomic():
        locked = lock_project(project)
        if locked.status not in SPENDING_STATUSES:
            fail(_("Money is spent only on approved projects."))
        check_spending_date(locked, date)
        total = spent_on(locked) + amount
        if total > locked.approved_amount:
            if not scope_for(actor).allows(locked.community, MANAGE):
                fail(
                    _(
                        "This would bring spending to %(total)s yuan, over the approved %(approved)s yuan: only an administrator may record an overrun."
                    )
                    % {"total": format_yuan(total), "approved": format_yuan(locked.approved_amount)}
                )
            if not clean_text(overrun_reason):
                fail(_("Give the reason for spending over the approved amount."))
            # The overrun comes out of the same fund line, which must still have it.
            line = FundLine.objects.select_for_update().get(pk=locked.fund_line_id)
            extra = total - max(locked.reserved_amount, locked.approved_amount)
            if extra > 0:
                left = fund_line_left(line)
                if left < extra:
                    fail(
                        _(
                            "The fund line “%(line)s” has only %(left)s yuan left, less than the %(amount)s yuan overrun."
                        )
                        % {"line": line, "left": format_yuan(left), "amount": format_yuan(extra)}
                    )
                locked.reserved_amount = locked.reserved_amount + extra
                locked.save(update_fields=["reserved_amount"])
        else:
            overrun_reason = ""
        expenditure = Expenditure.objects.create(
            project=locked,
            amount=amount,
            date=date,
            payee=clean_text(payee),
            note=clean_text(note),
            voucher=stored_document(voucher) if voucher else "",
            overrun_reason=clean_text(overrun_reason),
            recorded_by=actor,
        )
    refresh(project, locked)
    return expenditure


def reverse_expenditure(*, expenditure, actor, reason):
    """冲正: correct a mistaken expenditure by a new entry of the opposite amount, dated today,
    naming the original and the reason. The whole amount is reversed (a partial mistake is
    reversed, then the right amount recorded anew), an entry at most once, never a reversal.

    What the project holds of its fund line follows what is now spent: a withdrawn project
    holds only that, an open or accepted one at least its approved amount, so a reversed
    overrun (or a reversal after withdrawal) gives the money back to the line.
    """
    if not clean_text(reason):
        fail(_("Give the reason for the reversal."))
    with transaction.atomic():
        locked = lock_project(expenditure.project)
        original = Expenditure.objects.select_for_update().get(pk=expenditure.pk)
        if original.is_reversal:
            fail(_("A reversal cannot be reversed: record the right amount as a new expenditure."))
        if Expenditure.objects.filter(reverses=original).exists():
            fail(_("This expenditure has already been reversed."))
        FundLine.objects.select_for_update().get(pk=locked.fund_line_id)
        try:
            # The one-to-one index has the last word should two reversals race past the check.
            with transaction.atomic():
                reversal = Expenditure.objects.create(
                    project=locked,
                    amount=-original.amount,
                    date=timezone.localdate(),
                    payee=original.payee,
                    reverses=original,
                    reversal_reason=clean_text(reason),
                    recorded_by=actor,
                )
        except IntegrityError:
            fail(_("This expenditure has already been reversed."))
        spent = spent_on(locked)
        held = spent if locked.status == MicroStatus.WITHDRAWN else max(locked.approved_amount, spent)
        if held != locked.reserved_amount:
            locked.reserved_amount = held
            locked.save(update_fields=["reserved_amount"])
    refresh(expenditure.project, locked)
    return reversal


def record_social_investment(*, project, actor, amount, source, date, note=""):
    """社会投入: recorded apart from public spending, with its source."""
    if amount is None or amount <= 0:
        fail(_("A social investment must be more than zero."))
    if not clean_text(source) or date is None:
        fail(_("Give the source and the date."))
    if project.status in (MicroStatus.REJECTED, MicroStatus.WITHDRAWN) and not project.reached_approval:
        fail(_("Social investment is recorded on projects that go ahead."))
    check_date(
        date,
        earliest=project.proposal_date(),
        message=_(
            "A social investment's date (%(date)s) must lie between the proposal date (%(earliest)s) and today (%(today)s)."
        ),
    )
    return SocialInvestment.objects.create(
        project=project, amount=amount, source=clean_text(source), date=date, note=clean_text(note), recorded_by=actor
    )


def save_fund_line(*, line):
    """Create or change a fund line; its amount may never fall below what projects hold."""
    with transaction.atomic():
        if line.pk:
            FundLine.objects.select_for_update().get(pk=line.pk)
            held = MicroProject.objects.filter(fund_line=line).aggregate(t=coalesce_money(MoneySum("reserved_amount")))[
                "t"
            ]
            if line.amount < held:
                fail(
                    _("Projects already hold %(held)s yuan of this line: the amount cannot be less.")
                    % {"held": format_yuan(held)}
                )
        line.full_clean()
        line.save()
    return line
