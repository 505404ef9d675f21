"""Whole public pages and public figures from a cache, invalidated by versions bumped on writes.

Every cached entry names the *tags* it depends on: an app label (``"centers"``: any model of the
app) or a model label (``"projects.signup"``). Saving or deleting a record bumps the tag of its
model and of its app (``bump_for_model``, connected to the model signals by ``portal.apps``); the
versions of an entry's tags are part of its key, so a write makes every entry that depends on it
unreachable at once, in every process (the versions live in the shared ``pages`` cache: Redis in
production, a file cache on the embedded default). Writes that send no signal (``bulk_create``,
``QuerySet.update``, COPY) call ``bump`` themselves; ``PUBLIC_CACHE_TIMEOUT`` bounds the life of
any entry anyway.

Only anonymous GET/HEAD requests without a session or a pending message are served from the
cache, and only 200 answers that set no cookie and are not ``no-store``/``private`` are stored.
The language and the large-text mode are part of the key. The CSRF tokens of a page's forms are
taken out before storing and a fresh one is put in for each visitor. A view declared
``download=True`` (a public file such as the 公示 list's CSV) is stored with its file name and
replayed as the same download, recorded in the audit trail like every download. A page that
shows what depends on the clock (open now, next opening, upcoming activities, deadlines) is declared
``clock=True`` and expires at the next minute boundary: every time it shows is a whole minute.
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from . import exports

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
KEPT_HEADERS = ("Content-Type", "Access-Control-Allow-Origin")


def store():
    # A deployment whose CACHES has no alias of its own for the pages shares the default cache.
    alias = settings.PUBLIC_CACHE_ALIAS
    return caches[alias if alias in settings.CACHES else "default"]


def _version_key(tag):
    return f"pv:{tag}"


def versions(tags):
    """The current version of each tag, in one cache round trip; a missing one is created."""
    keys = {tag: _version_key(tag) for tag in tags}
    found = store().get_many(list(keys.values()))
    missing = {key: time.time_ns() for key in keys.values() if key not in found}
    if missing:
        store().set_many(missing, None)
        found |= missing
    return [str(found[keys[tag]]) for tag in tags]


def bump(*tags):
    """Make every entry depending on these tags unreachable, now and again once the transaction
    commits: a visitor who read the old rows between the two bumps stored them under a version
    that the second bump retires."""

    def write():
        store().set_many({_version_key(tag): time.time_ns() for tag in tags}, None)

    write()
    transaction.on_commit(write)


def bump_for_model(model):
    label = model._meta.label_lower
    if model._meta.app_label in settings.PUBLIC_CACHE_APPS and label not in settings.PUBLIC_CACHE_IGNORED_MODELS:
        bump(model._meta.app_label, label)


def bump_all():
    """Retire every cached public page and figure: for writes too many or too varied to name,
    such as a finished bulk job (imports write with bulk_create, which sends no signals)."""
    from django.apps import apps  # noqa: PLC0415 (models are not ready when this module loads)

    labels = [
        model._meta.label_lower for model in apps.get_models() if model._meta.app_label in settings.PUBLIC_CACHE_APPS
    ]
    bump(*settings.PUBLIC_CACHE_APPS, *labels)


def _key(prefix, parts, tags):
    digest = hashlib.sha256("\x1f".join([*parts, *versions(tags)]).encode()).hexdigest()
    return f"{prefix}:{digest}"


def seconds_to_next_minute(now=None):
    now = time.time() if now is None else now
    return max(1, int(60 - now % 60))


def cached_value(name, tags, compute, *parts, clock=False):
    """compute() once per version of its tags (public figures: the home page, stats.json)."""
    key = _key(f"pf:{name}", [str(part) for part in parts], tags)
    value = store().get(key)
    if value is None:
        value = compute()
        store().set(key, value, _timeout(clock))
    return value


def _timeout(clock):
    return seconds_to_next_minute() if clock else settings.PUBLIC_CACHE_TIMEOUT


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD") or not settings.PUBLIC_CACHE_ENABLED:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.user.is_authenticated


def _storable(response, download):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if exports.is_download(response):
        # A public file, declared so by its view, is kept with its headers; any other download
        # (personal data, no-store) never is.
        return download
    cache_control = response.get("Cache-Control", "")
    return "no-store" not in cache_control and "private" not in cache_control


def page_key(request, tags):
    large = request.COOKIES.get(settings.LARGE_TEXT_COOKIE) == "1"
    parts = [
        request.get_host(),
        request.get_full_path(),
        translation.get_language() or "",
        "large" if large else "standard",
    ]
    return _key("pp", parts, tags)


def public_page(*tags, clock=False, download=False):
    """Serve an anonymous visitor's GET of this view from the cache (see the module's docstring);
    `download`: the view answers with a public file, kept and replayed as a download."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = page_key(request, tags)
            entry = store().get(key)
            if entry is not None:
                return _replay(request, entry)
            response = view(request, *args, **kwargs)
            if _storable(response, download):
                content = response.content
                kept = KEPT_HEADERS
                if exports.is_download(response):  # a file holds no form (and its text is the public's)
                    kept += exports.DOWNLOAD_HEADERS
                else:
                    content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", content)
                headers = {name: response[name] for name in kept if name in response}
                store().set(key, (content, headers, getattr(response, "portal_export", "")), _timeout(clock))
            return response

        return wrapped

    return decorator


def _replay(request, entry):
    content, headers, *export = entry  # entries stored before downloads were kept have no name
    if not exports.is_download(headers) and CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    if export and export[0]:
        response.portal_export = export[0]  # recorded by the audit middleware, as when it was built
    return response
