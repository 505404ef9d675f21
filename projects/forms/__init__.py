"""Forms of the projects app, one module per topic: service, volunteers, activities (with the
field helpers they share in common.py), micro and funds."""
