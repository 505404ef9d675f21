"""Admin of the projects app, one module per topic (imported here so the admin finds them)."""

from . import (
    micro,  # noqa: F401
    volunteer,  # noqa: F401
)
