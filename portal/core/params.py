"""One parser for every query parameter and path value (issue 9, section 3).

Views read parameters through these functions, never with `int(request.GET[...])`:
`"²".isdigit()` is True and `int("²")` raises, PostgreSQL refuses NUL in text, and a
20-digit year overflows a date. A bad value raises `BadParameter` with a Chinese message;
`portal.middleware.BadParameterMiddleware` turns it into a 400 (a JSON body for JSON
endpoints, a page with the message otherwise), so nothing is written and nothing is
silently defaulted. A missing or empty parameter is not an error: it gets the default.

A leaf module: it imports no app.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# C0 controls and DEL, except tab, line feed and carriage return (text areas hold those).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DIGITS = re.compile(r"[0-9]+")
MAX_TEXT = 200  # a search box never needs more
MAX_INT = 2**31 - 1  # the largest integer primary key of every database we run on


class BadParameter(Exception):
    """A parameter the portal cannot use. `message` is shown to the user, in Chinese."""

    def __init__(self, message, *, name=""):
        super().__init__(message)
        self.message = message
        self.name = name


def _raw(params, name):
    """The value of `name` (the last one if repeated), stripped; "" when absent."""
    value = params.get(name, "") if params is not None else ""
    return value.strip() if isinstance(value, str) else ""


def bad_characters(value):
    """Whether a string holds NUL or another control character."""
    return bool(CONTROL.search(value))


def text(params, name, *, max_length=MAX_TEXT, label=None):
    """Free text (a search box): no control characters, at most `max_length` characters."""
    value = _raw(params, name)
    if bad_characters(value):
        raise BadParameter(
            _("“%(label)s” contains characters that are not allowed.") % {"label": label or name}, name=name
        )
    if len(value) > max_length:
        raise BadParameter(
            _("“%(label)s” is too long (at most %(limit)d characters).")
            % {"label": label or name, "limit": max_length},
            name=name,
        )
    return value


def is_digits(value):
    """Whether `value` is ASCII digits only (str.isdigit() also accepts ², ١٢ and １２)."""
    return isinstance(value, str) and bool(DIGITS.fullmatch(value))


def integer(params, name, *, default=None, minimum=1, maximum=MAX_INT, clamp=False, label=None):
    """A whole number written in ASCII digits (an optional leading minus where `minimum` < 0).

    With `clamp`, a number above `maximum` gets `maximum` instead of a refusal (a search radius
    or a result count: asking for more than the portal gives is not a mistake).
    """
    value = _raw(params, name)
    if value == "":
        return default
    if clamp:
        number = parse_integer(value, name=name, minimum=minimum, maximum=None, label=label)
        return min(number, maximum)
    return parse_integer(value, name=name, minimum=minimum, maximum=maximum, label=label)


def parse_integer(value, *, name="", minimum=1, maximum=MAX_INT, label=None):
    label = label or name
    digits = value[1:] if value.startswith("-") and minimum is not None and minimum < 0 else value
    if not DIGITS.fullmatch(digits) or len(digits) > 12:
        raise BadParameter(_("%(name)s must be a whole number.") % {"name": label}, name=name)
    number = int(value)
    _check_range(number, minimum, maximum, name=name, label=label)
    return number


def _check_range(number, minimum, maximum, *, name, label):
    if not ((minimum is not None and number < minimum) or (maximum is not None and number > maximum)):
        return
    bounds = {"name": label, "low": minimum, "high": maximum}
    if maximum is None:
        message = _("%(name)s must be at least %(low)s.") % bounds
    elif minimum is None:
        message = _("%(name)s must be at most %(high)s.") % bounds
    else:
        message = _("%(name)s must lie between %(low)s and %(high)s.") % bounds
    raise BadParameter(message, name=name)


def pk(params, name, *, label=None):
    """A record id; None when absent."""
    return integer(params, name, label=label)


def page(params, name="page"):
    """A page number: 1 when absent, 1..100,000 otherwise (Paginator clamps past the end)."""
    return integer(params, name, default=1, minimum=1, maximum=100_000, label=_("page"))


def year(params, name="year", *, default=None):
    """A calendar year the portal can hold records for."""
    try:
        return integer(params, name, default=default, minimum=2000, maximum=2100)
    except BadParameter:
        raise BadParameter(
            _("The year must be a four-digit year between 2000 and 2100, such as 2018."), name=name
        ) from None


def decimal(params, name, *, default=None, minimum=None, maximum=None, places=6, label=None):
    """A finite decimal in ASCII (`NaN`, `Infinity`, `1e309` and Unicode digits refused)."""
    value = _raw(params, name)
    if value == "":
        return default
    label = label or name
    if not re.fullmatch(rf"-?[0-9]{{1,12}}(\.[0-9]{{1,{places}}})?", value):
        raise BadParameter(_("%(name)s must be a number.") % {"name": label}, name=name)
    try:
        number = Decimal(value)
    except InvalidOperation as exc:  # cannot happen after the pattern, kept for safety
        raise BadParameter(_("%(name)s must be a number.") % {"name": label}, name=name) from exc
    _check_range(number, minimum, maximum, name=name, label=label)
    return number


def point(params, *, lat="lat", lng="lng"):
    """A WGS-84 position (?lat=&lng= in degrees, as floats); both are needed."""
    latitude = decimal(params, lat, minimum=-90, maximum=90, places=15, label=_("latitude (lat)"))
    longitude = decimal(params, lng, minimum=-180, maximum=180, places=15, label=_("longitude (lng)"))
    if latitude is None or longitude is None:
        raise BadParameter(_("Give %(name)s.") % {"name": _("latitude (lat) and longitude (lng)")}, name=lat)
    return float(latitude), float(longitude)


def date(params, name, *, default=None, label=None):
    """A date written 2026-11-30 (impossible dates such as 2026-02-30 refused)."""
    value = _raw(params, name)
    if value == "":
        return default
    label = label or name
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed and parsed.year >= 1900:
            return parsed
    raise BadParameter(_("“%(label)s” must be a date such as 2026-11-30.") % {"label": label}, name=name)


def flag(params, name, *, label=None):
    """A checkbox sent as `1`: True when ticked, False when absent or `0`."""
    return choice(params, name, ["1", "0"], default="0", label=label) == "1"


def choice(params, name, choices, *, default="", label=None):
    """One of `choices` (values); absent gives `default`."""
    value = _raw(params, name)
    if value == "":
        return default
    allowed = {str(c[0]) if isinstance(c, (tuple, list)) else str(c) for c in choices}
    if value not in allowed:
        raise BadParameter(
            _("“%(label)s” has a value that is not one of the choices.") % {"label": label or name}, name=name
        )
    return value


def code(value, *, max_length=32, label=None):
    """A tracking or verification code from a path or a box: upper-cased ASCII letters and digits.

    People copy codes with spaces or dashes between groups (MS7K-3P9Q XA) and phones type
    full-width characters: those are what the person meant, so they are taken out, not refused.
    """
    value = unicodedata.normalize("NFKC", value or "")
    value = re.sub(r"[\s\-_–—]+", "", value).upper()
    if not value or len(value) > max_length or not re.fullmatch(r"[A-Z0-9]+", value):
        raise BadParameter(_("“%(label)s” is not a valid code.") % {"label": label or _("code")}, name="code")
    return value
