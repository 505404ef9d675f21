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
from grids import models as member_models
from grids.models import Assignment, Unit


def _assignment_outside(tree):
    from tests.factory import make_user

    user = make_user("outside_staff", tree.community2)
    return Assignment.objects.get(user=user)


def _volunteering(kind, unit):
    from tests import factory_volunteer as fv

    volunteer = fv.make_volunteer
    makers = {
        "project_pk": fv.project_in,
        "activity_pk": fv.activity_in,
        "team_pk": fv.make_team,
        "volunteer_pk": volunteer,
        "certificate_pk": lambda unit: fv.make_certificate(volunteer(unit)),
        "StarRating": lambda unit: fv.project_in(unit).ratings.create(stars=3, reason="试评"),
        "Signup": lambda unit: fv.make_signup(fv.activity_in(unit)),
        "ServiceRecord": lambda unit: fv.make_record(fv.activity_in(unit), volunteer(unit)),
    }
    return makers[kind](unit)


def _volunteering_models():
    from projects import models as m

    kinds = {m.ServiceProject: "project_pk", m.Activity: "activity_pk", m.VolunteerTeam: "team_pk"}
    kinds |= {m.Volunteer: "volunteer_pk", m.Certificate: "certificate_pk"}
    kinds |= {m.StarRating: "StarRating", m.Signup: "Signup", m.ServiceRecord: "ServiceRecord"}
    return {model: (lambda tree, kind=kind: _volunteering(kind, tree.community2)) for model, kind in kinds.items()}


_VOLUNTEER_KEYS = ["project_pk", "activity_pk", "team_pk", "volunteer_pk", "certificate_pk"]


def _micro_project(community):
    from tests.factory_micro import make_project

    return make_project(community)


def _expenditure(community):
    from tests.factory_micro import expenditure_in

    return expenditure_in(community)


def _micro_admin_outside():
    from tests.factory_micro import admin_outside

    return admin_outside()


def _members():
    from tests import factory_members

    return factory_members


def _member_outside(tree):
    return _members().make_member(tree.grid2, "外街党员")


def _member_inside(tree):
    return _members().make_member(tree.grid1, "本街党员")


def _claim(tree, unit):
    fm = _members()
    return fm.make_claim(fm.make_post(unit), fm.make_member(unit, "认领党员"))


def _center(unit):
    from tests.factory_centers import make_center

    return Center.objects.filter(owner=unit).first() or make_center(unit)


def _accounts():
    from tests import factory_accounts

    return factory_accounts


# Pages that need the 管理员 role (staff accounts): the insider test tries them as the district
# 管理员, since the 工作人员 huafu rightly gets 403 there.
MANAGE_ONLY_URLS = {
    "account_detail",
    "account_edit",
    "account_password",
    "account_deactivate",
    "account_reactivate",
    "account_unlock",
    "assignment_add",
    "assignment_remove",
}


# URL keyword -> record outside 华富街道 (under 莲花街道).
OUTSIDE_RECORD = {
    "member_pk": _member_outside,
    "post_pk": lambda tree: _members().make_post(tree.building2),
    "claim_pk": lambda tree: _claim(tree, tree.building2),
    "unit_pk": lambda tree: tree.community2,
    "parent_pk": lambda tree: tree.community2,
    **{key: (lambda tree, key=key: _volunteering(key, tree.community2)) for key in _VOLUNTEER_KEYS},
    "micro_pk": lambda tree: _micro_project(tree.community2),
    "expenditure_pk": lambda tree: _expenditure(tree.community2),
    "center_pk": lambda tree: _center(tree.community2),
    "account_pk": lambda tree: _accounts().account_in(tree.community2),
    "assignment_pk": lambda tree: _accounts().assignment_in(tree.community2),
}

# URL keyword -> record inside 华富街道.
INSIDE_RECORD = {
    "member_pk": _member_inside,
    "post_pk": lambda tree: _members().make_post(tree.building1),
    "claim_pk": lambda tree: _claim(tree, tree.building1),
    "unit_pk": lambda tree: tree.community1,
    "parent_pk": lambda tree: tree.community1,
    **{key: (lambda tree, key=key: _volunteering(key, tree.community1)) for key in _VOLUNTEER_KEYS},
    "micro_pk": lambda tree: _micro_project(tree.community1),
    "expenditure_pk": lambda tree: _expenditure(tree.community1),
    "center_pk": lambda tree: _center(tree.community1),
    "account_pk": lambda tree: _accounts().account_in(tree.community1),
    "assignment_pk": lambda tree: _accounts().assignment_in(tree.community1),
}

# Admin model -> record outside 华富街道.
ADMIN_OUTSIDE = {
    Unit: lambda tree: tree.community2,
    Assignment: _assignment_outside,
    **_volunteering_models(),
    **_micro_admin_outside(),
    member_models.Member: _member_outside,
    member_models.ServicePost: lambda tree: _members().make_post(tree.building2),
    member_models.PostClaim: lambda tree: _claim(tree, tree.building2),
    member_models.Report: lambda tree: _members().make_report(_member_outside(tree), tree.building2),
    member_models.MemberMove: lambda tree: _members().make_move(_member_outside(tree), tree.building2),
    member_models.PersonalDataReveal: lambda tree: _members().make_reveal(_member_outside(tree)),
    member_models.RefusedRegistration: lambda tree: _members().make_refusal(tree.grid2),
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
    from grids.admin.base import ScopedAdmin

    return [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ScopedAdmin)]
