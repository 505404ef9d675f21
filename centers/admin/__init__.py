"""Admin of the centers app, one module per topic; importing them registers the admin classes."""

from . import centers, hours, rooms  # noqa: F401
