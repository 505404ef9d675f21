"""The organisation tree: district 区 → street 街道 → community 社区 → grid 网格 → building group 楼栋.

Each unit stores a materialised path of primary keys ("/1/12/340/"), so "everything under
华富街道" is one indexed prefix lookup, never a walk in Python.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

from portal.core import params

from .scoped import ScopedQuerySet


class Level(models.IntegerChoices):
    DISTRICT = 1, _("District")
    STREET = 2, _("Street")
    COMMUNITY = 3, _("Community")
    GRID = 4, _("Grid")
    BUILDING = 5, _("Building group")


class OrgKind(models.TextChoices):
    """Kinds of Party organisation found at grid and building level (Qingbaijiang 001, Qinghe 003)."""

    GRID_BRANCH = "grid_branch", _("Grid Party branch")
    GRID_GENERAL_BRANCH = "grid_general_branch", _("Grid Party general branch")
    FUNCTIONAL_BRANCH = "functional_branch", _("Functional Party branch")
    JOINT_BRANCH = "joint_branch", _("Joint Party branch")
    TEMPORARY_BRANCH = "temporary_branch", _("Temporary Party branch")
    MOBILE_BRANCH = "mobile_branch", _("Mobile members' Party branch")
    BUILDING_GROUP = "building_group", _("Building Party group")


class UnitQuerySet(ScopedQuerySet):
    def under(self, unit, include_self=True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def at(self, level):
        return self.filter(level=level)

    def by_ref(self, ref):
        """A unit named by its primary key or its administrative division code."""
        ref = str(ref).strip()
        if params.is_digits(ref) and len(ref) <= 12:
            return self.filter(Q(pk=int(ref)) | Q(code=ref))
        return self.filter(code=ref) if ref else self.none()


class Unit(models.Model):
    scope_via = ""  # a unit is its own place in the tree

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    org_name = models.CharField(
        _("Party organisation"), max_length=150, blank=True, help_text=_("For example 华富街道党工委.")
    )
    org_kind = models.CharField(
        _("organisation kind"),
        max_length=32,
        choices=OrgKind.choices,
        blank=True,
        help_text=_("Grid and building levels only."),
    )
    code = models.CharField(
        _("division code"), max_length=20, blank=True, help_text=_("Administrative division code, if any.")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Derived from the parent chain; maintained by save(). Not editable by hand.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    parent_level = models.GeneratedField(
        expression=models.F("level") - 1, output_field=models.PositiveSmallIntegerField(), db_persist=True
    )
    latitude = models.DecimalField(
        _("latitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=Level.DISTRICT, parent__isnull=True)
                | Q(level__gt=Level.DISTRICT, parent__isnull=False),
                name="unit_only_district_is_root",
                violation_error_message=_("Only a district has no parent; every other unit needs one."),
            ),
            models.CheckConstraint(
                condition=Q(org_kind="") | Q(level__gte=Level.GRID),
                name="unit_org_kind_grid_or_building",
                violation_error_message=_("Only grids and building groups have an organisation kind."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="unit_coordinates_both_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="unit_unique_name_among_siblings",
                violation_error_message=_("A unit with this name already exists under the same parent."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="unit_unique_division_code",
                violation_error_message=_("Another unit already has this division code."),
            ),
            # Target of the composite foreign key (parent_id, parent_level) → (id, level) that the
            # migration adds on PostgreSQL: the database itself refuses a parent of the wrong level.
            models.UniqueConstraint(fields=["id", "level"], name="unit_id_level"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived data, kept here so that no code path (form, admin, seed) can
        # leave it stale. A moved unit rewrites the paths of its whole subtree in one UPDATE.
        if self.parent_id is not None and self.parent.level != self.level - 1:
            raise ValidationError(_("The parent must be exactly one level up."))
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else "/"
            new_path = f"{parent_path}{self.pk}/"
            if new_path != old_path:
                Unit.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", Length(models.Value(old_path)) + 1))
                    )
                self.path = new_path

    def clean(self):
        super().clean()
        if self.level is None:
            return  # the level itself was refused: its field already says why
        if self.level == Level.DISTRICT:
            if self.parent_id is not None:
                raise ValidationError({"parent": _("A district has no parent.")})
        elif self.parent is None:
            raise ValidationError({"parent": _("Choose the unit this one belongs to.")})
        elif self.parent.level != self.level - 1:
            raise ValidationError(
                {
                    "parent": _("The parent of a %(level)s must be a %(parent_level)s.")
                    % {"level": self.get_level_display(), "parent_level": Level(self.level - 1).label}
                }
            )
        elif self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A unit cannot be moved under itself.")})
        if self.org_kind and self.level < Level.GRID:
            raise ValidationError({"org_kind": _("Only grids and building groups have an organisation kind.")})

    @property
    def is_building(self):
        return self.level == Level.BUILDING

    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        """Root first, self excluded; one query."""
        ids = self.ancestor_ids()[:-1]
        return list(Unit.objects.filter(pk__in=ids).order_by("level"))

    def full_name(self, ancestors=None):
        chain = (self.ancestors() if ancestors is None else ancestors) + [self]
        return " / ".join(unit.name for unit in chain)

    def is_within(self, other):
        return self.path.startswith(other.path)
