"""The queue's actions on the demands ticked in it (/staff/demands/bulk/): accept, and assign or
transfer to a unit of the actor's scope. Each demand goes through the workflow that does it on
the demand's own page (grids.services.demands.accept / transfer), so every step is recorded and
refused as it would be there. All or nothing: the ticked rows are locked first (in id order, so
two staff acting on overlapping selections queue instead of deadlocking); one demand the workflow
refuses and the transaction rolls back for all of them, and every refusal names its demand."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.core.bulk import each_or_none

from ..models import Demand
from . import demands as flow

# A page of the queue at most: more is a sign of a wrong selection.
MAX_SELECTED = 50


class BulkAction(models.TextChoices):
    ACCEPT = "accept", pgettext_lazy("demand", "Accept")
    TRANSFER = "transfer", gettext_lazy("Assign or transfer to a unit")


def _each(demands, change):
    # Rows locked in id order first: two staff acting on overlapping selections queue, no deadlock.
    list(Demand.objects.select_for_update().filter(pk__in=[d.pk for d in demands]).order_by("pk"))
    return each_or_none(demands, change, name=lambda demand: demand.code)


@transaction.atomic
def accept(*, demands, by):
    return _each(demands, lambda demand: flow.accept(demand=demand, actor=by))


@transaction.atomic
def transfer(*, demands, to_unit, reason, by):
    return _each(demands, lambda demand: flow.transfer(demand=demand, actor=by, to_unit=to_unit, reason=reason))
