"""Figures of the projects app for the public /open/stats.json, one module per section:
volunteering.py (service projects, teams, volunteers, activities, hours) and micro.py
(民生微实事 and their money, with the staff funnel)."""

from .micro import micro_breakdown, micro_section
from .volunteering import volunteering_section

__all__ = ["micro_breakdown", "micro_section", "volunteering_section"]
