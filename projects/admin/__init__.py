"""Admin of the projects app, one module per topic (imported here so the admin finds them)."""

from . import (
    activities,  # noqa: F401
    funds,  # noqa: F401
    micro,  # noqa: F401
    service,  # noqa: F401
    volunteers,  # noqa: F401
)
