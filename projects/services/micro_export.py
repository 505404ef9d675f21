"""The 民生微实事 list's filters and download columns, shared by the public 公示 list and its
downloads, the staff list, its Excel export and the export's job (micro_export_job.py), so that
a file holds exactly what its page shows."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.core import params

from ..models.micro import MicroCategory, MicroProject, MicroStatus

STAFF_STATUSES = list(MicroStatus)
EQUALS = {"street": "community__parent_id", "community": "community_id", "status": "status", "category": "category"}


def public_download_rows():
    """The most projects a public 公示 download holds (README "Caching"): a district's year (Futian:
    ~1,800 proposed); a longer list asks for a street and a year. As many as a staff export writes
    in the request (EXPORT_JOB_ROWS): a second or two, and then the file is served from the cache."""
    return getattr(settings, "PUBLIC_DOWNLOAD_ROWS", 3000)


def filter_projects(query, qs, statuses):
    """Apply ?street= &community= &year= &status= &category= &q= of the QueryDict `query`;
    return (qs, chosen values)."""
    chosen = {
        "street": params.pk(query, "street", label=_("street")),
        "community": params.pk(query, "community", label=_("community")),
        "year": params.year(query, "year"),
        "status": params.choice(query, "status", statuses, label=_("status")),
        "category": params.choice(query, "category", MicroCategory.values, label=_("category")),
        "q": params.text(query, "q", label=_("search")),
    }
    for name, lookup in EQUALS.items():
        if chosen[name]:
            qs = qs.filter(**{lookup: chosen[name]})
    if chosen["year"]:
        qs = qs.proposed_in(chosen["year"])
    if chosen["q"]:
        qs = qs.filter(Q(title__icontains=chosen["q"]) | Q(tracking_code=chosen["q"].upper()))
    return qs, chosen


def staff_projects(user, query):
    """The staff list: the user's scope, filtered by `query`, newest first; (qs, chosen)."""
    qs = MicroProject.objects.visible_to(user).for_listing().order_by("-proposed_at", "-pk")
    return filter_projects(query, qs, [status.value for status in STAFF_STATUSES])


def download_rows(projects):
    """The columns of every download: never a proposer's name or mobile. Every value is read
    from the row (for_listing: the street and community joined, the money annotated), so a
    download of any length makes no query per project."""
    header = [
        _("Number"),
        _("Street"),
        _("Community"),
        pgettext("micro-project", "Title"),
        _("Category"),
        _("Year proposed"),
        _("Approved amount (yuan)"),
        _("Spent (yuan)"),
        _("Social investment (yuan)"),
        _("Status"),
        _("Progress (%)"),
    ]
    yield header
    # The labels translated once, not per row (get_FOO_display translates each time: a third of
    # the time of a 15,000-row download).
    categories = {value: str(label) for value, label in MicroCategory.choices}
    statuses = {value: str(label) for value, label in MicroStatus.choices}
    for p in projects:
        yield [
            p.pk,
            p.community.parent.name,
            p.community.name,
            p.title,
            categories.get(p.category, p.category),
            timezone.localtime(p.proposed_at).year,
            p.approved_amount,  # Decimal or None: the writer formats money, leaves None empty
            p.spent,
            p.social,
            statuses.get(p.status, p.status),
            p.progress,
        ]
