"""党群服务中心 of every kind (with their queryset: public, nearby, open now) and their photos.

Coordinates are WGS-84 floats (what GPS and browsers give); distances are great-circle
metres computed by the database (see CenterQuerySet.near).
"""

import datetime as dt
import math
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import ASin, Cast, Cos, Floor, Power, Sin, Sqrt
from django.utils.translation import gettext_lazy as _

from grids.models import ScopedQuerySet, Unit
from portal.core import geo
from portal.core.personal import normalize_mobile, validate_mobile
from portal.core.standard_names import display_name

from ..services import hours
from .hours import Closure, OpeningInterval
from .rooms import OFFICE_SHARE_DIVISOR, RoomKind


class Kind(models.TextChoices):
    DISTRICT = "district", _("District center")
    STREET = "street", _("Street center")
    COMMUNITY = "community", _("Community center")
    NEW_DOMAIN = "new_domain", _("New-domain center")
    MICRO = "micro", _("Residential micro-post")


class SubKind(models.TextChoices):
    """Only for new-domain centers (两新 organisations: office towers, parks, markets)."""

    OFFICE_BUILDING = "office_building", _("Commercial office building")
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    MARKET = "market", _("Shopping district or market")


class Status(models.TextChoices):
    OPERATING = "operating", _("Operating")
    PREPARING = "preparing", _("In preparation")
    SUSPENDED = "suspended", _("Temporarily closed")


# A fixed-line number with area code, as printed on center signs: 0755-12345678, 010-1234567.
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")


def validate_phone(value):
    """A mainland mobile (checked by portal.core.personal) or a landline with its area code."""
    raw = (value or "").strip()
    if LANDLINE_PATTERN.match(raw.replace(" ", "")):
        return raw.replace(" ", "")
    try:
        return validate_mobile(raw)
    except ValidationError:
        raise ValidationError(
            _("Enter a mobile number such as 13800138000 or a landline with its area code such as 0755-12345678."),
            code="phone",
        ) from None


# The standard tags of the data migration 0002 (articles 000, 001), stored under their Chinese
# name: English pages show these msgids (portal/core/standard_names.py).
STANDARD_SERVICES = {
    "党员教育": _("Party education"),
    "政务服务": _("Government services"),
    "长者助餐": _("Meals for seniors"),
    "430学堂": _("430 after-school class"),
    "法律咨询": _("Legal advice"),
    "志愿服务": _("Volunteering"),
    "文体活动": _("Culture and sports"),
    "心理咨询": _("Counselling"),
    "就业服务": _("Employment services"),
}


class Service(models.Model):
    """A service a center offers, used as a tag (党员教育, 长者助餐, 430学堂...)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["position", "name"]

    def __str__(self):
        return display_name(self.name, STANDARD_SERVICES)


# Half a degree in radians: (radians(φ) - radians(φ0)) / 2 is (φ - φ0) * HALF_DEGREE.
HALF_DEGREE = math.pi / 360


def distance_expression(lat, lng):
    """Haversine in SQL: the same math functions exist on SQLite (3.35+ / Django's) and PostgreSQL.

    Written on the stored degrees, each difference times a constant, rather than through
    RADIANS() of every column: three function calls fewer per row and per copy of the
    expression (bench/centers_nearby.py: this is what keeps near() as fast as PostGIS)."""
    d_lat = (F("latitude") - Value(float(lat))) * Value(HALF_DEGREE)
    d_lng = (F("longitude") - Value(float(lng))) * Value(HALF_DEGREE)
    cos_lat = Cos(F("latitude") * Value(2 * HALF_DEGREE))
    h = Power(Sin(d_lat), 2) + Value(math.cos(math.radians(lat))) * cos_lat * Power(Sin(d_lng), 2)
    return Value(2 * geo.EARTH_RADIUS_M) * ASin(Sqrt(h))


# Latitude is indexed by cells of 1/64 degree (1.74 km, about the 1 km search's box of 2 km): a
# power of two, so latitude * 64 is exact in binary floating point and Python names the same
# cell as the database for every latitude, on SQLite and PostgreSQL alike.
LAT_CELLS_PER_DEGREE = 64
# Up to this many cells near() lists them (one index descent each, reading only the box's
# longitudes); a wider box (the 30-300 km fallback) asks for the range of cells instead.
MAX_LISTED_CELLS = 8


def lat_cell(latitude):
    """The cell of a latitude, as the database computes Center.lat_cell."""
    return math.floor(latitude * LAT_CELLS_PER_DEGREE)


class CenterQuerySet(ScopedQuerySet):
    def public(self):
        """Shown to residents: operating or temporarily closed (so the closure is visible)."""
        return self.filter(status__in=[Status.OPERATING, Status.SUSPENDED])

    def operating(self):
        return self.filter(status=Status.OPERATING)

    def under(self, unit):
        return self.filter(owner__path__startswith=unit.path)

    def near(self, lat, lng, radius_m):
        """Centers within radius_m of (lat, lng), nearest first, with `distance_m`.

        The (lat_cell, longitude) index reads, in each latitude cell the bounding box touches,
        only the box's longitudes: with an index on (latitude, longitude) a range on the latitude
        reads the whole band across the country (about 550 entries for 16 in the box at 600,000
        centers, bench/centers_nearby.py). Only those rows get the exact great-circle distance,
        computed by the database. No latitude range beside the cells: it narrowed the rows by
        less than it cost the planner (measured against PostGIS at 100,000 and 600,000 centers).
        """
        lat, lng, radius_m = float(lat), float(lng), float(radius_m)
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius_m)
        first, last = lat_cell(min_lat), lat_cell(max_lat)
        if last - first < MAX_LISTED_CELLS:
            cells = Q(lat_cell__in=range(first, last + 1))
        else:
            cells = Q(lat_cell__range=(first, last))
        # Annotated once and ordered by that annotation, the SQL sorts on the selected column
        # (ORDER BY <position>) instead of carrying a third copy of the expression.
        return (
            self.filter(cells, longitude__range=(min_lng, max_lng))
            .annotate(distance_m=distance_expression(lat, lng))
            .filter(distance_m__lte=radius_m)
            .order_by("distance_m", "pk")
        )

    def open_at(self, moment=None):
        """Centers open at `moment` (Shanghai time), computed in SQL for the list filter."""
        local = hours.to_shanghai(moment)
        day, now = local.date(), local.time().replace(tzinfo=None)
        interval = OpeningInterval.objects.filter(center=OuterRef("pk"), opens__lte=now, closes__gt=now)
        closed_today = Closure.objects.filter(center=OuterRef("pk"), date=day)
        as_calendar = hours.schedule_weekday(day, follows_holidays=True)
        by_calendar = Q(follows_holidays=True)
        by_calendar &= Exists(interval.filter(weekday=as_calendar)) if as_calendar is not None else Q(pk__in=[])
        by_week = Q(follows_holidays=False) & Exists(interval.filter(weekday=day.weekday()))
        return self.operating().filter(by_calendar | by_week).exclude(Exists(closed_today))

    def with_hours(self, moment=None):
        """Prefetch what open-now and next-opening need: two queries whatever the page size."""
        today = hours.to_shanghai(moment).date()
        closures = Closure.objects.filter(date__gte=today, date__lte=today + dt.timedelta(days=hours.LOOKAHEAD_DAYS))
        return self.prefetch_related(
            "intervals", models.Prefetch("closures", queryset=closures, to_attr="upcoming_closures")
        )

    def with_room_areas(self):
        return self.annotate(
            room_area=Sum("rooms__area"),
            office_area=Sum("rooms__area", filter=Q(rooms__kind=RoomKind.OFFICE)),
        )

    def breaking_office_rule(self):
        """Office space above 10% of the function-room area (shared/domain/001)."""
        return self.with_room_areas().filter(room_area__lt=F("office_area") * OFFICE_SHARE_DIVISOR)


class Center(models.Model):
    scope_via = "owner"

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sub_kind = models.CharField(
        _("new-domain type"),
        max_length=20,
        choices=SubKind.choices,
        blank=True,
        help_text=_("Only for new-domain centers."),
    )
    owner = models.ForeignKey(Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="centers")
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(_("latitude (WGS-84)"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude (WGS-84)"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # Computed by the database from the latitude on every write, so no path can leave it stale:
    # save() (staff form, admin, demo), bulk_create (the benchmarks), queryset.update(), raw SQL.
    # An instance saved again keeps its old cell in memory until refresh_from_db (Django 5.2
    # reads a generated column back on insert only); near() and the index use the stored one.
    lat_cell = models.GeneratedField(
        verbose_name=_("latitude cell (for the nearby index)"),
        expression=Cast(Floor(F("latitude") * LAT_CELLS_PER_DEGREE), models.IntegerField()),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    # The center's own public contact number, printed on its public page with a tel: link: not a
    # person's personal data, so kept in clear (the one exception in tests/test_personal_fields.py).
    phone = models.CharField(
        _("phone"),
        max_length=24,
        blank=True,
        validators=[validate_phone],
        help_text=_("Shown on the public page: the center's own number, never a person's private mobile."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPERATING)
    services = models.ManyToManyField(Service, verbose_name=_("services offered"), blank=True, related_name="centers")
    follows_holidays = models.BooleanField(
        _("follows the national holiday calendar"),
        default=True,
        help_text=_("Closed on statutory holidays; open on adjusted working days (调休) with Monday's hours."),
    )

    objects = CenterQuerySet.as_manager()

    class Meta:
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["lat_cell", "longitude"], name="center_cell_lng")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="center_coordinates_in_range",
                violation_error_message=_("Latitude must lie within ±90 and longitude within ±180."),
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.NEW_DOMAIN) | Q(sub_kind=""),
                name="center_sub_kind_only_new_domain",
                violation_error_message=_("Only a new-domain center has a new-domain type."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == Kind.NEW_DOMAIN and not self.sub_kind:
            raise ValidationError({"sub_kind": _("Choose the type of this new-domain center.")})
        if self.kind != Kind.NEW_DOMAIN and self.sub_kind:
            raise ValidationError({"sub_kind": _("Only a new-domain center has a new-domain type.")})
        if self.phone:
            self.phone = validate_phone(self.phone)
            if not self.phone.startswith("0"):
                self.phone = normalize_mobile(self.phone)

    # --- Opening hours (uses prefetched intervals and closures when present) -------------
    def weekly_hours(self):
        weekly = {}
        for interval in self.intervals.all():
            weekly.setdefault(interval.weekday, []).append((interval.opens, interval.closes))
        return weekly

    def closure_dates(self):
        rows = getattr(self, "upcoming_closures", None)
        if rows is None:
            rows = self.closures.all()
        return {row.date for row in rows}

    def state(self, moment=None):
        """(open_now, current interval, next opening) in Asia/Shanghai."""
        if self.status != Status.OPERATING:
            return False, None, None
        return hours.state_at(
            moment, weekly=self.weekly_hours(), closures=self.closure_dates(), follows_holidays=self.follows_holidays
        )

    def is_open(self, moment=None):
        return self.state(moment)[0]

    def rests_today(self, moment=None):
        """True on a day without any opening hours (its weekly rest day, a holiday or a closure):
        residents read that as "今日休息", unlike a center that has merely closed for the evening."""
        if self.status != Status.OPERATING:
            return False
        today = hours.to_shanghai(moment).date()
        return not hours.intervals_on(
            today, weekly=self.weekly_hours(), closures=self.closure_dates(), follows_holidays=self.follows_holidays
        )

    def next_opening(self, moment=None):
        return self.state(moment)[2]

    def week_table(self, moment=None):
        """[(weekday, label, [(opens, closes)], is_today)] for the detail page."""
        weekly = self.weekly_hours()
        today = hours.to_shanghai(moment).weekday()
        return [(day, label, sorted(weekly.get(day, [])), day == today) for day, label in hours.WEEKDAYS]

    # --- Function rooms ----------------------------------------------------------------
    def office_compliance(self):
        """(office m², total m², share or None, ok) for the 10% office-space rule (001)."""
        rooms = list(self.rooms.all())
        total = sum((room.area for room in rooms), start=0)
        office = sum((room.area for room in rooms if room.kind == RoomKind.OFFICE), start=0)
        share = (office / total) if total else None
        return office, total, share, office * OFFICE_SHARE_DIVISOR <= total


def _photo_path(instance, filename):
    return f"centers/{instance.center_id}/{filename}"


class Photo(models.Model):
    """A verified, re-encoded photo (portal.core.images): a display copy and a thumbnail."""

    scope_via = "center__owner"

    center = models.ForeignKey(Center, verbose_name=_("center"), on_delete=models.PROTECT, related_name="photos")
    image = models.ImageField(_("image"), upload_to=_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_photo_path)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption or self.image.name
