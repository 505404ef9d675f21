"""System checks of the production settings (run by `manage.py check --deploy`, and by
portal/wsgi.py before a production server takes its first request)."""

from django.conf import settings
from django.core import checks

MIN_KEY_BYTES = 32


def personal_data_keys():
    """Every configured personal-data key: the list of PERSONAL_DATA_KEYS when there is one,
    else PERSONAL_DATA_KEY."""
    keys = getattr(settings, "PERSONAL_DATA_KEYS", None) or [getattr(settings, "PERSONAL_DATA_KEY", "")]
    return [key for key in keys if isinstance(key, str | bytes)]


@checks.register(checks.Tags.security, deploy=True)
def personal_data_key_is_long_enough(app_configs=None, **kwargs):
    """A short key makes the ID-card and mobile numbers at rest guessable (HKDF cannot add
    entropy that the key does not have)."""
    if settings.DEBUG:
        return []
    short = [key for key in personal_data_keys() if len(key.encode() if isinstance(key, str) else key) < MIN_KEY_BYTES]
    if not short:
        return []
    return [
        checks.Error(
            f"PERSONAL_DATA_KEY must be at least {MIN_KEY_BYTES} bytes long in production.",
            hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
            id="portal.E001",
        )
    ]


def refuse_unsafe_start():
    """Raise when the production settings fail a check that must stop the server from starting."""
    errors = personal_data_key_is_long_enough()
    if errors:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("; ".join(error.msg for error in errors))
