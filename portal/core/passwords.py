"""Password rules of MLPS 2.0 level 3 (等保三级 身份鉴别): at least 8 characters of at least three
kinds (upper case, lower case, digits, symbols), not like the username, not a common password,
not the current one.

Django's validators are used for the checks; their messages come from this module, in our own
catalogue. Django 5.2 changed the msgid of "This password is too short…" and its Chinese
catalogue still has the old one, so that message showed in English in the Chinese interface.
"""

from django.contrib.auth import password_validation as django_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

KINDS = (str.isupper, str.islower, str.isdigit)


def character_kinds(password):
    """How many of the four kinds the password uses. Any character that is not an upper-case or
    lower-case letter or a digit counts as a symbol (a Chinese character too)."""
    kinds = [any(test(c) for c in password) for test in KINDS]
    kinds.append(any(not (c.isupper() or c.islower() or c.isdigit()) for c in password))
    return sum(kinds)


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self):
        # Formatted by ValidationError with params={"min_length": ...}.
        return ngettext(
            "The password is too short: it needs at least %(min_length)d character.",
            "The password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        )

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character.", "At least %(min_length)d characters.", self.min_length
        ) % {"min_length": self.min_length}


class CharacterKindsValidator:
    def __init__(self, min_kinds=3):
        self.min_kinds = min_kinds

    def validate(self, password, user=None):
        if character_kinds(password) < self.min_kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "At least %(min_kinds)d of these four kinds: upper-case letters, lower-case letters, digits, symbols."
        ) % {"min_kinds": self.min_kinds}


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("The password is too similar to the %(verbose_name)s.")

    def get_help_text(self):
        return _("Not similar to your username or name.")


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is too common: choose another.")

    def get_help_text(self):
        return _("Not a commonly used password.")


class NotCurrentPasswordValidator:
    """The new password must differ from the current one (checked without touching the user)."""

    def validate(self, password, user=None):
        current = getattr(user, "password", "")
        if current and check_password(password, current):
            raise ValidationError(_("The new password must differ from the current one."), code="password_unchanged")

    def get_help_text(self):
        return _("Not your current password.")
