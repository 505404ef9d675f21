"""View helpers shared by the volunteering pages (service, volunteers, activities)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from centers.models import Center
from grids.scope import EDIT

PAGE_SIZE = 30


def first_error(exc):
    return exc.messages[0] if exc.messages else _("Please check your input.")


def need_edit_somewhere(scope):
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))


def editable_centers(scope, current=None):
    """Centers a form may offer: those the user may edit (a center's unit is its `owner`), plus
    the one already linked, so a record linked by a wider scope can still be saved as it is."""
    centers = scope.filter(Center.objects.all(), EDIT)
    if current is not None:
        centers = centers | Center.objects.filter(pk=current)
    return centers
