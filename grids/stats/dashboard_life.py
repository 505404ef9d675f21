"""The dashboard's organisational-life section (组织生活, issue 14): meetings held in the period,
三会一课 compliance (the periods each organisation owed and held, by grids/services/meetings.py)
in all and per kind of meeting, and 党费 of the period's year (due so far, collected, arrears,
members in arrears and members six months behind, by grids/services/dues.py).

Compliance: a period of a duty (a month of 主题党日, a quarter of 支部党员大会 …) counts when it
overlaps the dashboard's period and is owed as the compliance page says (ended, or running and
already held); for a year this is exactly the compliance page's rates. Dues are the statement's
figures for the year the period ends in, to the months gone by."""

from datetime import date

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.money import ZERO

from ..models import Member, Unit
from ..models.dues import DuesAssessment
from ..models.meetings import MEETING_LEVELS, Meeting, MeetingKind
from ..services import dues as dues_services
from ..services import meetings as meeting_services
from ..services import workdays
from .figures import Chart, Figure, Records, Section, child_of, depth, figure, rollup


def _held(unit, period):
    """Meetings held in the period (taken place with their attendance, and valid), per child."""
    meetings = Meeting.objects.filter(
        attendance_taken=True,
        valid=True,
        starts_at__gte=workdays.start_of_day(period.start),
        starts_at__lte=workdays.end_of_day(period.end),
    )
    return rollup(meetings, "unit__path", unit, held=Count("pk"))


def compliance(unit, period, today=None):
    """{child or OWN: {kind: [held, owed, overdue]}} over the organisations under the unit.

    An organisation that held no meeting in the period's years owes exactly what any other of
    its level owes: the service's duties are computed for those that held some and for one idle
    organisation per level, whose rows count once for every idle organisation of that level. So
    the Python work follows the meetings held, not the size of the tree (12,000 building groups
    at 10x), and the figures are the service's by construction."""
    today = today or timezone.localdate()
    parent_depth = depth(unit)
    years = range(period.start.year, period.end.year + 1)
    orgs = Unit.objects.under(unit).filter(level__in=MEETING_LEVELS).values_list("pk", "path", "level")
    active = set(
        Meeting.objects.under(unit)
        .filter(
            attendance_taken=True,
            valid=True,
            starts_at__gte=workdays.start_of_day(date(years[0], 1, 1)),
            starts_at__lte=workdays.end_of_day(date(years[-1], 12, 31)),
        )
        .values_list("unit_id", flat=True)
        .order_by()
        .distinct()
    )
    chosen, weights, idle = [], {}, {}
    for pk, path, level in orgs:
        if pk in active:
            chosen.append(Unit(pk=pk, path=path, level=level))
            weights[pk] = {child_of(path, parent_depth): 1}
            continue
        if level not in idle:
            idle[level] = Unit(pk=pk, path=path, level=level)
            chosen.append(idle[level])
            weights[pk] = {}
        children = weights[idle[level].pk]
        key = child_of(path, parent_depth)
        children[key] = children.get(key, 0) + 1
    out = {}
    for year in years:
        for duty in meeting_services.duties(chosen, year, today):
            held = owed = overdue = 0
            for p in duty.periods:
                if p.first > period.end or p.last < period.start:
                    continue
                if p.state in ("held", "overdue") or (p.state == "due" and p.held):
                    held += bool(p.held)
                    owed += 1
                overdue += p.state == "overdue"
            for key, n in weights[duty.unit.pk].items():
                counts = out.setdefault(key, {}).setdefault(duty.kind, [0, 0, 0])
                counts[0] += held * n
                counts[1] += owed * n
                counts[2] += overdue * n
    return out


def _kind_figure(key, label, table, kinds, records):
    held = {child: sum(row.get(k, (0, 0, 0))[0] for k in kinds) for child, row in table.items()}
    owed = {child: sum(row.get(k, (0, 0, 0))[1] for k in kinds) for child, row in table.items()}
    return Figure(key, label, held, kind="rate", bases=owed, records=records)


def dues(unit, year, today=None):
    """{child or OWN: totals of dues_services} for the current members under the unit who have
    dues set for the year or the year before (the others owe and paid nothing: a payment needs
    dues set for its year). Three queries whatever the number of members."""
    today = today or timezone.localdate()
    assessed = DuesAssessment.objects.filter(year__in=(year - 1, year)).values("member_id")
    members = (
        Member.objects.current()
        .under(unit)
        .filter(pk__in=assessed)
        .select_related("unit")
        .only("pk", "joined_on", "unit__path")
    )
    parent_depth = depth(unit)
    rows = {}
    for standing in dues_services.standings(members, year, today):
        rows.setdefault(child_of(standing.member.unit.path, parent_depth), []).append(standing)
    out = {}
    for child, standings in rows.items():
        totals = dues_services.totals(standings)
        totals["in_arrears"] = sum(1 for s in standings if s.arrears > ZERO)
        out[child] = totals
    return out


def life_dashboard(unit, period):
    year = period.end.year
    held = _held(unit, period)
    table = compliance(unit, period)
    money = dues(unit, year)
    meetings = Records.of("meeting_list", unit="unit", year=year)
    calendar = Records.of("meeting_compliance", unit="unit", year=year)
    dues_list = Records.of("dues_list", unit="unit", year=year)
    kinds = list(MeetingKind.values)
    overdue = {child: sum(row[k][2] for k in row) for child, row in table.items()}
    figures = [
        figure("life.meetings", _("Meetings held"), held, "held", records=meetings),
        _kind_figure("life.compliance", _("Meetings held of those due"), table, kinds, calendar),
        Figure("life.missed", _("Meeting periods overdue"), overdue, records=calendar),
    ]
    figures += [
        _kind_figure(f"life.kind_{kind}", label, table, [kind], calendar) for kind, label in MeetingKind.choices
    ]
    dues_figures = [
        ("due", _("Dues due so far"), "money"),
        ("collected", _("Dues collected"), "money"),
        ("arrears", _("Dues in arrears"), "money"),
        ("in_arrears", _("Members in arrears"), "count"),
        ("flagged", _("Members six months or more behind"), "count"),
    ]
    for key, label, kind in dues_figures:
        records = Records.of("dues_list", unit="unit", year=year, arrears=1) if key != "due" else dues_list
        figures.append(figure(f"life.dues_{key}", label, money, key, kind=kind, records=records))
    collected = {child: row["collected"] for child, row in money.items()}
    due = {child: row["due"] for child, row in money.items()}
    figures.append(
        Figure("life.dues_rate", _("Dues collected of those due"), collected, kind="rate", bases=due, records=dues_list)
    )
    section = Section("life", _("Organisational life"), figures)
    section.note = _("Dues of %(year)s, to the months gone by.") % {"year": year}
    per_kind = [section.figure(f"life.kind_{kind}") for kind in kinds]
    section.charts += [
        Chart(
            "life-kinds",
            _("Meetings held of those due, by kind"),
            "bar",
            [f.label for f in per_kind],
            [(_("Held"), [f.numerator for f in per_kind]), (_("Due"), [f.base for f in per_kind])],
            [f.key for f in per_kind],
        ),
        Chart(
            "life-dues",
            _("Dues (yuan)"),
            "bar",
            [section.figure(f"life.dues_{k}").label for k in ("due", "collected", "arrears")],
            [(_("Yuan"), [section.figure(f"life.dues_{k}").value for k in ("due", "collected", "arrears")])],
            [f"life.dues_{k}" for k in ("due", "collected", "arrears")],
            unit="money",
        ),
    ]
    return section
