"""Rate limits on public writes and lookups, and the client's address behind the proxy.

The counting is django-ratelimit's: one atomic `add` + `INCR` in the cache (Redis in production,
shared by every process), so twenty parallel requests against a limit of five get exactly five
through. The limits live in `settings.RATE_LIMITS` (group → rate such as "5/h"), counted per
client address (IPv6 per /64). A request over its limit raises `Limited`, which
`portal.middleware.RateLimitMiddleware` turns into the 429 page with `Retry-After`; without that
middleware it is a PermissionDenied (403): the limit fails closed.

A leaf module: apps import `ratelimit` (a view decorator) and `hit` (for a count taken inside a
view, e.g. only when a proposal is really created).
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

__all__ = ["Limited", "client_ip", "hit", "posted", "ratelimit"]


class Limited(Ratelimited):
    def __init__(self, group, retry_after):
        super().__init__(group)
        self.group = group
        self.retry_after = max(1, int(retry_after))


def _is_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_ip(request):
    """The client's address. Behind `TRUSTED_PROXY_HOPS` proxies, each of which appends the
    address it received from to X-Forwarded-For, that is the hops-th entry from the right:
    everything further left was sent by the client and is never trusted. With no proxy (hops 0)
    X-Forwarded-For is ignored and the socket's address is used."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            # Fewer entries than hops: the request entered at an inner proxy; all entries are ours.
            candidate = forwarded[-min(hops, len(forwarded))]
            if _is_ip(candidate):
                return candidate
    return remote if _is_ip(remote) else "0.0.0.0"


def rate_for(group):
    return settings.RATE_LIMITS[group]


def hit(request, group):
    """Count one request of `group` for the client's address; raise `Limited` past the limit."""
    # key "ip": django-ratelimit reads the address through settings.RATELIMIT_IP_META_KEY, which
    # names client_ip() below, and masks IPv6 to its /64.
    usage = get_usage(request, group=group, key="ip", rate=rate_for(group), increment=True)
    if usage is not None and usage["should_limit"]:
        raise Limited(group, usage["time_left"])


def ratelimit(group, *, when=None):
    """View decorator: count every request of the view, or those for which `when(request)` holds
    (e.g. `posted`), against `settings.RATE_LIMITS[group]`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if when is None or when(request):
                hit(request, group)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def posted(request):
    return request.method == "POST"
