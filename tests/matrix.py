"""The permission matrix: every staff URL and every admin page, tried by an outsider.

Staff URLs are read from the URL conf (every route under staff/), so a new page joins the
matrix by itself. What it needs from here is a way to make a record for each URL keyword:
OUTSIDE_RECORD maps a URL keyword to a function (tree -> a record under 莲花街道, i.e.
outside 华富街道) and INSIDE_RECORD to one under 华富街道. A page with a keyword missing here
fails the matrix test until a maker is added.

ADMIN_OUTSIDE does the same for each model registered in the admin.
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from centers.models import Center
from grids.models import Assignment, Unit


def _assignment_outside(tree):
    from tests.factory import make_user

    user = make_user("outside_staff", tree.community2)
    return Assignment.objects.get(user=user)


def _center(unit):
    from tests.factory_centers import make_center

    return Center.objects.filter(owner=unit).first() or make_center(unit)


# URL keyword -> record outside 华富街道 (under 莲花街道).
OUTSIDE_RECORD = {
    "unit_pk": lambda tree: tree.community2,
    "parent_pk": lambda tree: tree.community2,
    "center_pk": lambda tree: _center(tree.community2),
}

# URL keyword -> record inside 华富街道.
INSIDE_RECORD = {
    "unit_pk": lambda tree: tree.community1,
    "parent_pk": lambda tree: tree.community1,
    "center_pk": lambda tree: _center(tree.community1),
}

# Admin model -> record outside 华富街道.
ADMIN_OUTSIDE = {
    Unit: lambda tree: tree.community2,
    Assignment: _assignment_outside,
    Center: lambda tree: _center(tree.community2),
}


def staff_patterns():
    """(name, route, keyword names) for every named route under staff/."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name and route.startswith("staff/"):
                found.append((pattern.name, route, sorted(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def scoped_admin_models():
    from grids.admin_base import ScopedAdmin

    return [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ScopedAdmin)]
