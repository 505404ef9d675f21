"""The rules of the money path of 民生微实事 that the lifecycle (micro.py) and the spending
(funds.py) share: which fund line may pay for a project, and how its dates agree.

Dates agree with each other and with today (Asia/Shanghai): proposal ≤ council resolution ≤
start of implementation ≤ milestones ≤ acceptance, and spending between the start and today;
none in the future. Each check raises a ValidationError whose Chinese message names the rule.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models.funds import FundCategory


def fail(message):
    raise ValidationError(message)


def check_date(value, *, earliest, message):
    """`value` lies between `earliest` and today (Asia/Shanghai), both included; `message`
    names the rule and may use %(date)s, %(earliest)s and %(today)s."""
    today = timezone.localdate()
    if value > today or (earliest is not None and value < earliest):
        fail(message % {"date": value, "earliest": earliest, "today": today})


def check_resolution_date(project, resolution_date):
    check_date(
        resolution_date,
        earliest=project.proposal_date(),
        message=_(
            "The council's resolution date (%(date)s) must lie between the proposal date (%(earliest)s) and today (%(today)s)."
        ),
    )


def check_fund_line(project, line):
    """A micro-project is paid only by a 民生微实事 line of its budget year (the year it was
    proposed) owned by its community or a unit above it. FundLine.objects.can_pay offers the same."""
    if line.category != FundCategory.MICRO:
        fail(
            _("Only a livelihood micro-projects fund line pays for a micro-project: “%(line)s” is not one.")
            % {"line": line}
        )
    if line.year != project.funding_year():
        fail(
            _("A project proposed in %(year)s is paid from the %(year)s budget: “%(line)s” is of %(line_year)s.")
            % {"year": project.funding_year(), "line": line, "line_year": line.year}
        )
    if line.unit_id not in project.community.ancestor_ids():
        fail(
            _("The fund line “%(line)s” belongs to %(unit)s, which does not contain %(community)s.")
            % {"line": line, "unit": line.unit.name, "community": project.community.name}
        )


def check_spending_date(project, value):
    """Public money is paid once implementation has started, and never dated ahead."""
    if project.start_date is None:
        fail(_("Spending is recorded once implementation has started."))
    check_date(
        value,
        earliest=project.start_date,
        message=_(
            "An expenditure's date (%(date)s) must lie between the start of implementation (%(earliest)s) and today (%(today)s)."
        ),
    )
