"""`{% load money %}` … `{{ amount|yuan }}`: money for people to read, the same in every
language ("14,422,515.87"), through portal.core.money.format_yuan. Every app's templates
load it, so every page shows money one way."""

from decimal import InvalidOperation

from django import template

from portal.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value):
    try:
        return format_yuan(value)
    except (InvalidOperation, TypeError, ValueError):
        # Not an amount: shown as it is rather than breaking the page.
        return value
