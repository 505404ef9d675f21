"""Activities of a service project, residents' sign-ups (no account; cancelled by a token) and
the service records with hours that staff enter after an activity, issue 5."""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import ScopedQuerySet
from portal.core.periods import midnight
from portal.core.personal_fields import MOBILE, PersonalNumber

from .common import ZERO_HOURS, center_has_public_page, count_rows
from .service import ServiceProject
from .volunteers import Volunteer

__all__ = ["Activity", "ServiceRecord", "Signup"]


class ActivityQuerySet(ScopedQuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def open_for_signup(self, now=None):
        return self.filter(signup_deadline__gte=now or timezone.now())

    def with_signup_counts(self):
        active = Signup.objects.filter(activity=OuterRef("pk"), cancelled_at__isnull=True)
        return self.annotate(n_signups=count_rows(active))


class Activity(models.Model):
    scope_via = "project__unit"

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=100)
    # "Center or address" (issue 5): at a service center, or at an address (a park, a canteen);
    # with both, the address says where in or near the center.
    # PROTECT: the place an activity was held is part of its service record, and SET_NULL could
    # leave an activity with neither (refused by activity_center_or_address). A center that
    # stops is suspended, not deleted.
    center = models.ForeignKey(
        "centers.Center",
        verbose_name=_("service center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    address = models.CharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_("Needed when the activity is not at a service center; with a center, where in it (e.g. the hall)."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    description = models.TextField(_("description"), blank=True)
    signup_deadline = models.DateTimeField(_("sign-up deadline"))

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="activity_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
                violation_error_message=_("An activity ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("starts_at")),
                name="activity_deadline_before_start",
                violation_error_message=_("The sign-up deadline is at the latest when the activity starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="activity_capacity_positive",
                violation_error_message=_("An activity has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(center__isnull=False) | ~Q(address=""),
                name="activity_center_or_address",
                violation_error_message=_("Choose a service center or enter an address."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An activity ends after it starts.")})
        if self.starts_at and self.signup_deadline and self.signup_deadline > self.starts_at:
            raise ValidationError(
                {"signup_deadline": _("The sign-up deadline is at the latest when the activity starts.")}
            )
        if self.center_id is None and not (self.address or "").strip():
            raise ValidationError({"address": _("Choose a service center or enter an address.")})
        if self.pk and self.starts_at and self.ends_at:
            self._check_recorded_hours()

    def _check_recorded_hours(self):
        """Rescheduling must not undo the hours rules (check_hours) for hours already recorded."""
        records = ServiceRecord.objects.filter(activity_id=self.pk)
        if self.starts_at > timezone.now() and records.exists():
            raise ValidationError(
                {"starts_at": _("Hours are already recorded for this activity: it cannot start in the future.")}
            )
        longest = records.filter(extra_hours_reason="").aggregate(m=Max("hours"))["m"]
        if longest is not None and longest > self.length_hours():
            raise ValidationError(
                {
                    "ends_at": _(
                        "%(hours)s hours are recorded for a volunteer without a reason: the activity cannot be shorter."
                    )
                    % {"hours": f"{longest:.2f}"}
                }
            )

    @property
    def center_public(self):
        return center_has_public_page(self.center)

    def length_hours(self):
        """How long the activity lasts, in hours (exact: 1 h 50 min is 1.8333…)."""
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / 3600

    def check_hours(self, hours, reason="", now=None):
        """Hours of one volunteer: only once the activity has started, and no more than it
        lasted unless a reason is recorded (preparation, clearing up, a long day). Used by the
        attendance service, its form and the admin alike."""
        if (now or timezone.now()) < self.starts_at:
            raise ValidationError(_("Attendance can be recorded once the activity has started."), code="not_started")
        if hours is not None and hours > self.length_hours() and not (reason or "").strip():
            raise ValidationError(
                _(
                    "%(hours)s hours is more than the activity lasted (%(length)s hours): record the reason for the extra hours."
                )
                % {"hours": f"{Decimal(hours):.2f}", "length": f"{self.length_hours():.2f}"},
                code="over_length",
            )

    def places_left(self):
        taken = getattr(self, "n_signups", None)
        if taken is None:
            taken = self.signups.active().count()
        return max(self.capacity - taken, 0)

    def signup_open(self, now=None):
        return (now or timezone.now()) <= self.signup_deadline


class SignupQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


# Sign-up codes ("我的报名"): 8 characters a resident can write down or read out, with no 0/O or
# 1/I/L to confuse (31**8, about 8.5e11 codes; a guess also needs the mobile, and lookups are
# rate-limited).
SIGNUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIGNUP_CODE_LENGTH = 8
_SIGNUP_CODE_SALT = "projects.Signup.code"


def normalise_signup_code(text):
    """The code as stored, from what a resident typed ("abcd-efgh", "ABCD EFGH"), or "" when it
    cannot be a code."""
    code = "".join((text or "").split()).replace("-", "").upper()
    if len(code) != SIGNUP_CODE_LENGTH or any(ch not in SIGNUP_CODE_ALPHABET for ch in code):
        return ""
    return code


def hash_signup_code(code, secret=None):
    """Keyed hash of a sign-up code: unlike the 256-bit cancellation token, a short code could be
    found from an unkeyed hash by trying them all, so a copy of the database alone gives nothing."""
    return salted_hmac(_SIGNUP_CODE_SALT, code, secret=secret, algorithm="sha256").hexdigest()


def signup_code_hashes(code):
    """The hashes a code may be stored under: the current SECRET_KEY's, then its fallbacks'."""
    return [hash_signup_code(code, secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


class Signup(models.Model):
    """A resident's sign-up from the public page: no account, a name and a mobile."""

    scope_via = "activity__project__unit"

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="signups")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = PersonalNumber(MOBILE, _("mobile"))
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="signups"
    )
    # Only a hash of the cancellation token is stored: the link is shown once to the resident,
    # and a copy of the database (or an admin) cannot cancel on their behalf.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The sign-up code shown with the link (for "我的报名": mobile + code), kept only as a keyed
    # hash, unique portal-wide; "" for sign-ups from before codes.
    code_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            # The database refuses a second live sign-up with the same mobile, even when two
            # requests race; after a cancellation the resident may sign up again.
            models.UniqueConstraint(
                fields=["activity", "mobile_hash"],
                condition=Q(cancelled_at__isnull=True),
                name="signup_unique_mobile_per_activity",
                violation_error_message=_("This mobile number is already signed up for this activity."),
            ),
            models.UniqueConstraint(fields=["code_hash"], condition=~Q(code_hash=""), name="signup_code_hash_unique"),
            models.CheckConstraint(
                condition=~Q(mobile_hash=""),
                name="signup_has_mobile",
                violation_error_message=_("A sign-up needs a mobile number."),
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.activity}"

    @property
    def masked_mobile(self):
        return self.mobile_masked


class ServiceRecordQuerySet(ScopedQuerySet):
    def in_period(self, start=None, end=None):
        """Records of activities starting on a day in [start, end] (Asia/Shanghai dates). Bounds
        on the moment rather than `__date`, so that the index on the start serves them."""
        qs = self
        if start:
            qs = qs.filter(activity__starts_at__gte=midnight(start))
        if end:
            qs = qs.filter(activity__starts_at__lt=midnight(end + timedelta(days=1)))
        return qs

    def total_hours(self):
        return self.aggregate(total=Coalesce(Sum("hours"), ZERO_HOURS))["total"]


class ServiceRecord(models.Model):
    """Attendance and hours of one volunteer at one activity, entered by staff afterwards."""

    scope_via = "activity__project__unit"

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="service_records"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="service_records"
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Needed when the hours pass the activity's length (Activity.check_hours).
    extra_hours_reason = models.CharField(
        _("reason for more hours than the activity lasted"), max_length=200, blank=True
    )

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["activity", "volunteer"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                name="service_record_unique_volunteer_per_activity",
                violation_error_message=_("This volunteer already has hours for this activity."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="service_record_hours_0_to_24",
                violation_error_message=_("Hours are more than 0 and at most 24."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.activity} · {self.hours}"
