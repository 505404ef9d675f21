"""`{% load dashboard %}` … `{% figure_value figure value %}`: a dashboard figure's value as
people read it (money in 元, rates in %, hours to one place, counts grouped), one tag rather
than an included template per cell (a district's report has hundreds of cells)."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from portal.core.money import format_yuan

register = template.Library()


@register.simple_tag
def figure_value(figure, value):
    if value is None or value == "":
        return "–"
    if figure.kind == "money":
        return format_yuan(value)
    if figure.kind == "rate":
        return f"{value}%"
    if figure.kind == "hours":
        return floatformat(value, 1)
    return intcomma(value)
