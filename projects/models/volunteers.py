"""Volunteers (a person is one volunteer portal-wide, found by mobile) and their service
certificates (志愿服务证明), issue 5."""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.personal_fields import MOBILE, PersonalNumber

from .common import ZERO_HOURS, count_rows, sum_hours
from .service import VolunteerTeam

__all__ = ["Certificate", "Volunteer"]


class VolunteerQuerySet(models.QuerySet):
    def with_hours(self, start=None, end=None):
        """Annotate total_hours (and n_records), optionally for activities starting in [start, end]."""
        from .activities import ServiceRecord  # activities.py imports this module

        records = ServiceRecord.objects.filter(volunteer=OuterRef("pk")).in_period(start, end)
        return self.annotate(total_hours=sum_hours(records), n_records=count_rows(records))

    def with_period_totals(self, start=None, end=None):
        """The same totals as one LEFT JOIN + GROUP BY: for exports of every volunteer in a scope,
        where one hash aggregate beats thousands of correlated subqueries."""
        period = Q(service_records__isnull=False)
        if start:
            period &= Q(service_records__activity__starts_at__date__gte=start)
        if end:
            period &= Q(service_records__activity__starts_at__date__lte=end)
        return self.annotate(
            total_hours=Coalesce(Sum("service_records__hours", filter=period), ZERO_HOURS),
            n_records=Count("service_records", filter=period),
        )


class Volunteer(models.Model):
    # Registered by a unit (for scoping); a person is one volunteer portal-wide, found by mobile.
    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("registering unit"), on_delete=models.PROTECT, related_name="volunteers"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # Encrypted, fingerprinted (unique: one volunteer per person) and masked.
    mobile = PersonalNumber(MOBILE, _("mobile"))
    teams = models.ManyToManyField(VolunteerTeam, verbose_name=_("teams"), blank=True, related_name="members")
    registered_on = models.DateField(_("registration date"), default=timezone.localdate)
    # Staff link a volunteer to the Party member they are (only a member within their scope).
    # The link stays if the member is later moved out of that scope: being a Party member is a
    # fact about the person, wherever the member is managed. SET_NULL if the member is deleted.
    member = models.ForeignKey(
        "grids.Member",
        verbose_name=_("Party member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_hash"],
                name="volunteer_unique_mobile",
                violation_error_message=_("A volunteer with this mobile number is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(mobile_hash=""),
                name="volunteer_has_mobile",
                violation_error_message=_("A volunteer needs a mobile number."),
            ),
            # One person, one volunteer: a Party member is linked to at most one volunteer.
            models.UniqueConstraint(
                fields=["member"],
                name="volunteer_unique_member",
                violation_error_message=_("This Party member is already linked to another volunteer."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_mobile(self):
        return self.mobile_masked


class Certificate(models.Model):
    """A volunteer-service certificate (志愿服务证明): a snapshot of hours over a period."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates"
    )
    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="certificates"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    # Printed on the certificate; a public page checks it. Random, so not guessable.
    code = models.CharField(_("verification code"), max_length=20, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="certificate_period_in_order",
                violation_error_message=_("The period ends on or after its first day."),
            )
        ]

    def __str__(self):
        return self.code
