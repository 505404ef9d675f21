"""Views of the projects app, one module per topic: service, volunteers, activities (with the
helpers they share in common.py), micro (public pages; staff pages in micro_staff.py) and funds."""
