"""Opening-hours pages (staff): a center's closure dates. Its weekly hours are edited with the
center itself (views/centers.py, center_edit)."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from ..forms.hours import ClosureFormSet
from .common import formset_page


@login_required
def center_closures(request, center_pk):
    return formset_page(request, center_pk, ClosureFormSet, "closures", _("Closure dates"))
