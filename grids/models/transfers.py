"""组织关系转接: a member's Party membership moves by a letter (介绍信) from one organisation to
another. Out to a unit of the district (its staff accept, the member moves), out of the district
(the receiving organisation named, the receipt recorded), or in from outside (the member is
registered here through the member rules). States: 开具 (issued) → 已接收 (accepted), 退回
(returned, with the reason) or 过期 (expired, past the letter's validity).

`unit` is the organisation responsible for the letter: the sending unit for a letter out, the
receiving unit for a letter in from outside. Its staff see the transfer (scope_via); the
receiving unit of a transfer inside the district sees it through `incoming` as well.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .events import StateEvent
from .members import Member
from .scoped import ScopedQuerySet
from .tree import Level, Unit

DEFAULT_VALIDITY_MONTHS = 3


class TransferRule(models.Model):
    """A district's validity of transfer letters (default DEFAULT_VALIDITY_MONTHS)."""

    scope_via = "district"

    district = models.OneToOneField(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="transfer_rule",
        limit_choices_to={"level": Level.DISTRICT},
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity of a letter (months)"),
        default=DEFAULT_VALIDITY_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer letter validity")
        verbose_name_plural = _("transfer letter validity")

    def __str__(self):
        return f"{self.district} · {self.validity_months}"


class Direction(models.TextChoices):
    OUT_INSIDE = "out_inside", _("Out, to an organisation of the district")
    OUT_OUTSIDE = "out_outside", _("Out of the district")
    IN_OUTSIDE = "in_outside", _("In from outside the district")


class TransferState(models.TextChoices):
    # A context: "Accepted" is 验收 for a micro-project and 已受理 for a demand.
    ISSUED = "issued", pgettext_lazy("transfer", "Issued")
    ACCEPTED = "accepted", pgettext_lazy("transfer", "Accepted")
    RETURNED = "returned", pgettext_lazy("transfer", "Returned")
    EXPIRED = "expired", pgettext_lazy("transfer", "Expired")


class TransferQuerySet(ScopedQuerySet):
    def in_flight(self):
        return self.filter(state=TransferState.ISSUED)

    def incoming(self, units):
        """Transfers inside the district addressed to one of `units` (a queryset of the scope)."""
        return self.filter(direction=Direction.OUT_INSIDE, to_unit__in=units)


class Transfer(models.Model):
    scope_via = "unit"

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfers")
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="transfers"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("receiving unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outside_org = models.CharField(_("organisation outside the district"), max_length=150, blank=True)
    letter_number = models.CharField(_("letter number"), max_length=50)
    dues_paid_until = models.DateField(_("dues paid up to (month)"), null=True, blank=True)
    issued_on = models.DateField(_("date issued"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(_("state"), max_length=10, choices=TransferState.choices, default=TransferState.ISSUED)
    reason = models.CharField(_("reason returned"), max_length=200, blank=True)
    decided_on = models.DateField(_("date decided"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction=Direction.OUT_INSIDE) & Q(to_unit__isnull=False) & Q(outside_org=""))
                | (~Q(direction=Direction.OUT_INSIDE) & Q(to_unit__isnull=True) & ~Q(outside_org="")),
                name="transfer_destination_by_direction",
                violation_error_message=_(
                    "A transfer inside the district names a unit; one outside names the organisation."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state=TransferState.RETURNED) | ~Q(reason=""),
                name="transfer_returned_with_reason",
                violation_error_message=_("A returned letter needs the reason."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="transfer_valid_after_issue",
                violation_error_message=_("A letter is valid from the day it is issued."),
            ),
            # One letter in flight per member at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="issued"),
                name="transfer_one_in_flight_per_member",
                violation_error_message=_("This member already has a transfer in progress."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.letter_number}"

    @property
    def destination(self):
        return self.to_unit.name if self.to_unit_id else self.outside_org


class TransferEvent(StateEvent):
    """A step of a letter (grids.models.events): issued, accepted, returned (the reason in
    `detail`), expired (by the scheduled job: no actor), or received from outside."""

    scope_via = "transfer__unit"

    transfer = models.ForeignKey(
        Transfer, verbose_name=_("membership transfer"), on_delete=models.PROTECT, related_name="events"
    )
    # The state the letter entered: issued, accepted, returned or expired.
    action = models.CharField(pgettext_lazy("event", "what"), max_length=10, choices=TransferState.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta(StateEvent.Meta):
        verbose_name = _("transfer event")
        verbose_name_plural = _("transfer events")

    def __str__(self):
        return f"{self.transfer} · {self.get_action_display()}"
