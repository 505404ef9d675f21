from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def distance(metres):
    """"850 米" below a kilometre, "1.6 公里" from there, "16 公里" from 10 km (no "16250 米")."""
    if metres is None or metres == "":
        return ""
    metres = float(metres)
    if metres < 1000:
        return _("%(m)d m") % {"m": round(metres)}
    km = metres / 1000
    shown = f"{km:.0f}" if km >= 10 else f"{km:.1f}"
    return _("%(km)s km") % {"km": shown}
