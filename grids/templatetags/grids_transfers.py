"""{% member_transfers member %}: the 组织关系转接 section of a member's page: every letter of the
member (the member page is already in the user's scope), with a link to issue a new one."""

from django import template

from ..models import Transfer
from ..scope import EDIT, scope_for

register = template.Library()


@register.inclusion_tag("grids/transfers/member.html", takes_context=True)
def member_transfers(context, member):
    user = context["request"].user
    transfers = Transfer.objects.filter(member=member).select_related("unit", "to_unit").order_by("-issued_on", "-pk")
    return {
        "member": member,
        "transfers": list(transfers),
        "can_issue": not member.left_reason and scope_for(user).allows(member.unit, EDIT),
    }
