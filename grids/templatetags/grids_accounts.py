from django import template

from ..scope import MANAGE, scope_for

register = template.Library()


@register.filter
def manages_accounts(user):
    """Whether the user is 管理员 somewhere (or a superuser): the account pages are for them."""
    return bool(user and user.is_authenticated) and scope_for(user).can(MANAGE)
