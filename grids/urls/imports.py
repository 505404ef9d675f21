"""Routes of bulk work along the tree: imports with a preview (units, posts, reports, claims),
their templates, the units' export, posts from a pattern. Staff pages under /staff/units/."""

from django.urls import path

from ..views import imports as views

NAMES = ("units", "posts", "reports", "claims")

staff_urlpatterns = [
    *[
        path(f"units/<int:unit_pk>/import/{name}/", views.import_upload, {"name": name}, name=f"{name}_import")
        for name in NAMES
    ],
    *[
        path(
            f"units/<int:unit_pk>/import/{name}/template.xlsx",
            views.import_template,
            {"name": name},
            name=f"{name}_import_template",
        )
        for name in NAMES
    ],
    path("jobs/<int:job_pk>/confirm/", views.import_confirm, name="bulk_import_confirm"),
    path("units/<int:unit_pk>/export.xlsx", views.units_export, name="units_export"),
    path("units/<int:unit_pk>/posts/bulk/", views.posts_bulk, name="posts_bulk"),
]
