"""Intake of residents' demands: tracking codes, the district's categories, routing to the grid
of the nearest building group, the two deadlines in working days, photos, and the similar open
demands shown before a duplicate is filed."""

import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import geo
from portal.core.images import process_image

from ..models import (
    DEFAULT_CATEGORIES,
    MAX_PHOTOS,
    Demand,
    DemandAction,
    DemandCategory,
    DemandPhoto,
    DemandSource,
    DemandStatus,
    DemandTransition,
    Level,
    Unit,
)
from . import workdays
from .notifications import notify, staff_of

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud on the phone
CODE_PREFIX = "SQ"
SIMILAR_RADIUS_M = 100


def staff_url(demand):
    return reverse("demand_staff_detail", args=[demand.pk])


def new_code():
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))


def normalize_code(text):
    """What a resident typed ("sq 7k3p-9qxa") as a code ("SQ7K3P9QXA"); "" if it cannot be one."""
    cleaned = "".join(ch for ch in (text or "") if not ch.isspace() and ch not in "-_—－").upper()
    if not cleaned or len(cleaned) > 12 or not cleaned.isascii() or not cleaned.isalnum():
        return ""
    return cleaned


def district_of(unit):
    return Unit.objects.get(pk=unit.ancestor_ids()[0])


def categories_for(unit):
    """The active categories of `unit`'s district, created from the default list the first time."""
    district = district_of(unit)
    existing = DemandCategory.objects.filter(district=district)
    if not existing.exists():
        DemandCategory.objects.bulk_create(
            [
                DemandCategory(district=district, name=name, response_hours=hours, handling_days=days, position=n)
                for n, (name, hours, days) in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )
    return DemandCategory.objects.filter(district=district, active=True)


def route(community, latitude=None, longitude=None):
    """The unit that handles a demand: the grid holding the community's building group nearest
    to the point; the community itself without a point or without located building groups."""
    if latitude is None or longitude is None:
        return community
    buildings = Unit.objects.filter(
        path__startswith=community.path, level=Level.BUILDING, latitude__isnull=False
    ).select_related("parent")
    lat, lng = float(latitude), float(longitude)
    best = min(
        buildings,
        key=lambda b: (geo.haversine_m(lat, lng, float(b.latitude), float(b.longitude)), b.pk),
        default=None,
    )
    return best.parent if best is not None else community


def response_due(category, submitted_at):
    """Acceptance is due within the category's response limit, in clock hours (as 12345 counts)."""
    return submitted_at + timedelta(hours=category.response_hours)


def handling_due(category, accepted_at):
    """Handling is due by the end of the Nth working day after the day of acceptance (Shanghai)."""
    return workdays.add_working_days(workdays.local_date(accepted_at), category.handling_days)


def processed_photos(uploads):
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}})
    return [process_image(upload) for upload in uploads]


def store_photos(demand, processed, *, stage="reported"):
    for display, thumb in processed:
        photo = DemandPhoto(demand=demand, stage=stage)
        stem = uuid.uuid4().hex
        photo.image.save(f"{demand.pk}/{stem}.jpg", display, save=False)
        photo.thumbnail.save(f"{demand.pk}/{stem}-thumb.jpg", thumb, save=False)
        photo.save()


def submit(
    *,
    category,
    community,
    title,
    description,
    latitude=None,
    longitude=None,
    source=DemandSource.ONLINE,
    anonymous=False,
    name="",
    mobile="",
    publish=True,
    photos=(),
    actor=None,
    now=None,
):
    """A new demand, routed, with its response deadline and a unique tracking code."""
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationError({"community": _("Choose a community.")})
    if category.district_id != community.ancestor_ids()[0]:
        raise ValidationError({"category": _("Choose a category of this district.")})
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if not anonymous and not (name or "").strip():
        raise ValidationError({"name": _("Give your name, or report anonymously.")})
    if not anonymous and not mobile:
        raise ValidationError({"mobile": _("Give a mobile number to be called back, or report anonymously.")})
    processed = processed_photos(photos)
    now = now or timezone.now()
    demand = Demand(
        source=source,
        category=category,
        community=community,
        unit=route(community, latitude, longitude),
        title=title.strip(),
        description=description.strip(),
        latitude=latitude,
        longitude=longitude,
        anonymous=anonymous,
        resident_name="" if anonymous else name.strip(),
        publish=publish,
        submitted_at=now,
        response_due=response_due(category, now),
    )
    if not anonymous:
        demand.resident_mobile = mobile
    for attempt in range(5):
        demand.code = new_code()
        try:
            with transaction.atomic():
                demand.save()
                store_photos(demand, processed)
                DemandTransition.objects.create(
                    demand=demand,
                    action=DemandAction.SUBMIT,
                    to_status=DemandStatus.PENDING,
                    actor=actor,
                    to_unit=demand.unit,
                    at=now,
                )
        except IntegrityError:
            if attempt == 4 or not Demand.objects.filter(code=demand.code).exists():
                raise
            demand.pk = None
            continue
        break
    notify(
        staff_of(demand.unit),
        title=_("New demand %(code)s: %(title)s") % {"code": demand.code, "title": demand.title},
        url=staff_url(demand),
        unit=demand.unit,
        kind="demand_new",
    )
    return demand


def similar_open(*, category, latitude, longitude, radius_m=SIMILAR_RADIUS_M, limit=5):
    """Open demands of the same category within `radius_m` of the point, nearest first."""
    if latitude is None or longitude is None:
        return []
    lat, lng = float(latitude), float(longitude)
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius_m)
    candidates = (
        Demand.objects.open()
        .filter(category=category, latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
        .select_related("community")
    )
    near = []
    for demand in candidates:
        distance = geo.haversine_m(lat, lng, float(demand.latitude), float(demand.longitude))
        if distance <= radius_m:
            demand.distance_m = round(distance)
            near.append(demand)
    near.sort(key=lambda d: (d.distance_m, d.pk))
    return near[:limit]


def rounded(value, places=3):
    """A coordinate rounded to about 100 m (0.001° of latitude is 111 m) for public pages."""
    return None if value is None else round(float(value), places)


def community_near(latitude, longitude, radius_m=3000):
    """The community of the building group nearest to the point (within `radius_m`), or None."""
    lat, lng = float(latitude), float(longitude)
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius_m)
    buildings = Unit.objects.filter(
        level=Level.BUILDING, latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng)
    ).select_related("parent__parent")
    best = min(
        buildings,
        key=lambda b: (geo.haversine_m(lat, lng, float(b.latitude), float(b.longitude)), b.pk),
        default=None,
    )
    return best.parent.parent if best is not None else None
