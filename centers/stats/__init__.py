"""Public figures of the centers app (/open/stats.json), one module per topic."""

from .centers import centers_section

__all__ = ["centers_section"]
