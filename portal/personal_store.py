"""Personal data at rest (PIPL): ID-card and mobile numbers encrypted, plus a keyed hash.

A database dump alone must not reveal a number. Each value is stored twice:
- encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the `cryptography` library), so an
  administrator who asks can read it back;
- as a keyed HMAC-SHA256 fingerprint, deterministic, so the database can enforce uniqueness
  and find a member by number without decrypting every row. Without the key the fingerprint
  cannot be brute-forced over the (small) space of valid ID-card numbers.

Both keys are derived (HKDF) from one secret, settings.PERSONAL_DATA_KEY, which comes from
the environment. A leaf module like portal.personal: it imports no app.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(secret, purpose):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret.encode())


@lru_cache(maxsize=4)
def _keys(secret):
    fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, "partyportal personal-data encryption")))
    return fernet, _derive(secret, "partyportal personal-data fingerprint")


def _current():
    return _keys(settings.PERSONAL_DATA_KEY)


def encrypt(value):
    """Fernet token (text) for a normalised value; "" stays ""."""
    if not value:
        return ""
    return _current()[0].encrypt(value.encode()).decode("ascii")


def decrypt(token):
    """The clear value, or "" when the token is empty or was made with another key."""
    if not token:
        return ""
    try:
        return _current()[0].decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        return ""


def fingerprint(value):
    """Keyed hash (hex) of a normalised value, for uniqueness and exact lookups; "" stays ""."""
    if not value:
        return ""
    return hmac.new(_current()[1], value.encode(), hashlib.sha256).hexdigest()
