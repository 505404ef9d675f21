"""Admin of the grids app, one module per topic (imported here so the admin finds them).

Every ModelAdmin of the portal derives from base.ScopedAdmin."""

from . import (
    accounts,  # noqa: F401
    audit,  # noqa: F401
    demands,  # noqa: F401
    dues,  # noqa: F401
    meetings,  # noqa: F401
    members,  # noqa: F401
    posts,  # noqa: F401
    transfers,  # noqa: F401
    tree,  # noqa: F401
)
