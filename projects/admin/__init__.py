"""Admin of the projects app, one module per topic (imported here so the admin finds them)."""

from . import volunteer  # noqa: F401
from . import micro  # noqa: F401
