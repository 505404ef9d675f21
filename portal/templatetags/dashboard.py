"""`{% load dashboard %}` … `{% figure_value figure value %}`: a dashboard figure's value as
people read it (money in 元, rates in %, hours to one place, counts grouped), one tag rather
than an included template per cell (a district's report has hundreds of cells)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from portal.core.money import format_yuan

register = template.Library()


def format_value(kind, value):
    if value is None or value == "":
        return "–"
    if kind == "money":
        return format_yuan(value)
    if kind == "rate":
        return f"{value}%"
    if kind == "hours":
        return floatformat(value, 1)
    return intcomma(value)


@register.simple_tag
def figure_value(figure, value):
    return format_value(figure.kind, value)


@register.simple_tag
def chart_value(chart, value):
    """A cell of a chart's table, as its figures read elsewhere (money "14,422,515.87")."""
    return format_value(chart.unit, value)
