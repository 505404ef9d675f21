"""The one way a model holds a person's mobile, phone or ID-card number (PIPL).

    class Volunteer(models.Model):
        mobile = PersonalNumber(MOBILE, _("mobile"))

declares three columns, `mobile_encrypted` (AES-GCM with the key id, portal.core.personal_store),
`mobile_hash` (keyed fingerprint: uniqueness constraints and exact lookups) and `mobile_masked`
(138****5678, what every page, list, admin and export shows without decrypting), and the
attribute itself:

- `volunteer.mobile = "138 0013 8000"` checks and normalises the number (ValidationError for a
  bad one) and fills the three columns; "" clears them. Assigning another record's value
  (`volunteer.mobile = signup.mobile`) copies its columns without decrypting.
- `volunteer.mobile` reads the masked form (a str, so a template or a log line shows
  138****5678), with `.reveal()` for the full number (callers record why) and `.fingerprint`.
- `Volunteer.mobile.q(number)` is the lookup (every configured key's fingerprint, so it holds
  during a key rotation), `Volunteer.mobile.stored(number)` the column values for bulk writes.

It is not a model field, so migrations see only the three columns, which the data migrations
and `rotate_personal_data_key` read by name. tests/test_personal_fields.py walks every model
and fails for a phone or ID-like field that is not one of these columns.

A leaf module: it imports no app.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from . import personal_store
from .personal import (
    mask_id_card,
    mask_mobile,
    mask_pay_base,
    mask_phone,
    normalize_id_card,
    normalize_mobile,
    normalize_pay_base,
    normalize_phone,
    validate_id_card,
    validate_mobile,
    validate_pay_base,
    validate_phone,
)


@dataclass(frozen=True)
class Kind:
    """A kind of personal number: how to read, check and mask it."""

    name: str
    normalize: object
    validate: object
    mask: object
    masked_length: int


MOBILE = Kind("mobile", normalize_mobile, validate_mobile, mask_mobile, 11)
ID_CARD = Kind("id_card", normalize_id_card, validate_id_card, mask_id_card, 18)
# A member's pay or pension, the base of their dues (党费): personal financial data.
PAY_BASE = Kind("pay_base", normalize_pay_base, validate_pay_base, mask_pay_base, 10)
PHONE = Kind("phone", normalize_phone, validate_phone, mask_phone, 20)


class EncryptedField(models.TextField):
    """Ciphertext of a personal number. Refuses to write anything that is not a ciphertext, so
    a number can never land here in clear by mistake."""

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str) and value and not personal_store.is_token(value):
            raise ValueError(f"{self.model.__name__}.{self.name} holds only ciphertexts.")
        return super().get_db_prep_save(value, connection)


class FingerprintField(models.CharField):
    """Keyed HMAC-SHA256 (hex) of a personal number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)


class MaskedField(models.CharField):
    """The masked form of a personal number, for display. Refuses a full number."""

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str) and value and "*" not in value:
            raise ValueError(f"{self.model.__name__}.{self.name} holds only masked numbers.")
        return super().get_db_prep_save(value, connection)


PERSONAL_COLUMN_TYPES = (EncryptedField, FingerprintField, MaskedField)


class PersonalValue(str):
    """What reading a personal number gives: its masked form, plus `.reveal()` and `.fingerprint`."""

    def __new__(cls, kind, masked, token, digest):
        value = super().__new__(cls, masked or "")
        value.kind, value.token, value.fingerprint = kind, token or "", digest or ""
        return value

    def reveal(self):
        """The full number (PersonalDataKeyError if the key is missing or wrong)."""
        return personal_store.decrypt(self.token)


class PersonalNumber(property):
    """A person's number on a model: three columns and this attribute (see the module doc).

    A property, so that Django accepts it in `Model(mobile=...)`, `objects.create(...)` and
    `get_or_create(defaults=...)`; `filter(mobile=...)` fails loudly (use `.q(number)`)."""

    def __init__(self, kind, verbose_name, *, blank=False, db_index=False):
        super().__init__(self._get, self._set)
        self.kind = kind
        self.blank = blank
        # Made here, not in contribute_to_class, so the columns keep their place among the fields.
        self.columns = {
            "encrypted": EncryptedField(editable=False, blank=blank),
            "hash": FingerprintField(editable=False, blank=blank, db_index=db_index),
            "masked": MaskedField(verbose_name, max_length=kind.masked_length, editable=False, blank=blank),
        }

    def contribute_to_class(self, cls, name):
        self.name = name
        self.encrypted, self.hash, self.masked = (f"{name}_{suffix}" for suffix in ("encrypted", "hash", "masked"))
        for suffix, field in self.columns.items():
            cls.add_to_class(f"{name}_{suffix}", field)
        setattr(cls, name, self)

    @property
    def attnames(self):
        return (self.encrypted, self.hash, self.masked)

    def _get(self, instance):
        return PersonalValue(
            self.kind, getattr(instance, self.masked), getattr(instance, self.encrypted), getattr(instance, self.hash)
        )

    def _set(self, instance, value):
        if isinstance(value, PersonalValue):
            if value.kind != self.kind:
                raise ValueError(f"A {value.kind.name} cannot be stored as a {self.kind.name}.")
            stored = {self.encrypted: value.token, self.hash: value.fingerprint, self.masked: str(value)}
        else:
            stored = self.stored(self.kind.validate(value) if value else "")
        for attname, column_value in stored.items():
            setattr(instance, attname, column_value)

    def stored(self, number):
        """{column: value} for a checked, normalised number ("" for none)."""
        return {
            self.encrypted: personal_store.encrypt(number),
            self.hash: personal_store.fingerprint(number),
            self.masked: self.kind.mask(number),
        }

    def q(self, number):
        """Rows holding this number (a text or another record's PersonalValue); none for ""."""
        if isinstance(number, PersonalValue):
            number = number.reveal()
        number = self.kind.normalize(number)
        if not number:
            return Q(pk__in=[])
        return Q(**{f"{self.hash}__in": personal_store.fingerprints(number)})


def personal_numbers(model):
    """The PersonalNumber attributes of a model class, by name."""
    found = {}
    for klass in reversed(model.__mro__):
        found.update({name: value for name, value in vars(klass).items() if isinstance(value, PersonalNumber)})
    return found
