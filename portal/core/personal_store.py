"""Personal data at rest (PIPL): ID-card and mobile numbers encrypted, plus a keyed hash.

A database dump alone must not reveal a number. Each value is stored twice:
- encrypted with AES-256-GCM (authenticated encryption, `cryptography`'s AESGCM, a random
  96-bit nonce per value), so an administrator who asks can read it back. Chosen over Fernet
  because an import of 100,000 rows encrypts 200,000 values: AESGCM is one C call each;
- as a keyed HMAC-SHA256 fingerprint, deterministic, so the database can enforce uniqueness
  and find a member by number without decrypting every row. Without the key the fingerprint
  cannot be brute-forced over the (small) space of valid ID-card numbers.

Keys come from settings.PERSONAL_DATA_KEYS (the environment), newest first. Each secret gives,
through HKDF, an encryption key, a fingerprint key and a short key id. Every ciphertext starts
with the id of the key that made it ("3f9a0c1e:base64…", the id also bound into the AES-GCM
tag), so after a new key is put first, older values still decrypt, and
`manage.py rotate_personal_data_key` re-encrypts and re-fingerprints them in batches. Until it
has run, lookups try the fingerprint of every configured key (`fingerprints`).

A value that cannot be decrypted (its key is not configured, or it is not the key that made
it) raises PersonalDataKeyError: never an empty string that would look like "no number".

A leaf module like portal.core.personal: it imports no app.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEY_ID_LENGTH = 8  # hex characters
SEPARATOR = ":"
# Nonce (12) + GCM tag (16) bytes at least, in base64: shorter text is not a ciphertext.
_TOKEN = re.compile(r"^(?:[0-9a-f]{8}:)?[A-Za-z0-9+/]{40,}={0,2}$")  # KEY_ID_LENGTH hex, ":"


class PersonalDataKeyError(Exception):
    """Stored personal data cannot be read with the configured keys. The message names the key
    id, never a value; portal.middleware turns it into a page saying the key is misconfigured."""


def _derive(secret, purpose, length=32):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode()).derive(secret.encode())


@dataclass(frozen=True)
class Key:
    id: str
    cipher: AESGCM
    mac: bytes


@lru_cache(maxsize=16)
def _key(secret):
    return Key(
        id=_derive(secret, "partyportal personal-data key id", KEY_ID_LENGTH // 2).hex(),
        cipher=AESGCM(_derive(secret, "partyportal personal-data encryption")),
        mac=_derive(secret, "partyportal personal-data fingerprint"),
    )


@lru_cache(maxsize=8)
def _keyring(secrets):
    ring = tuple(_key(secret) for secret in secrets)
    by_id = {}
    for key in ring:
        if key.id in by_id:
            raise PersonalDataKeyError(f"Two entries of PERSONAL_DATA_KEYS are the same key ({key.id}).")
        by_id[key.id] = key
    return ring, by_id


def keyring():
    """(keys newest first, {key id: key}) from settings.PERSONAL_DATA_KEYS."""
    secrets = tuple(getattr(settings, "PERSONAL_DATA_KEYS", None) or ())
    if not secrets or not all(secrets):
        raise PersonalDataKeyError("No personal-data key is configured (PERSONAL_DATA_KEYS).")
    return _keyring(secrets)


def current_key_id():
    return keyring()[0][0].id


def key_id(token):
    """The id of the key a ciphertext was made with; "" for one from before key ids."""
    head, separator, _body = (token or "").partition(SEPARATOR)
    return head if separator else ""


def is_token(value):
    """Whether text looks like a ciphertext (and not, say, a number typed in clear)."""
    return bool(_TOKEN.match(value or ""))


def encrypt(value):
    """ "<key id>:base64(nonce + ciphertext + tag)" for a normalised value; "" stays ""."""
    if not value:
        return ""
    key = keyring()[0][0]
    nonce = os.urandom(12)
    sealed = key.cipher.encrypt(nonce, value.encode(), key.id.encode())
    return key.id + SEPARATOR + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token):
    """The clear value; "" for an empty token. Raises PersonalDataKeyError when the key that
    made the token is not configured or does not open it."""
    if not token:
        return ""
    ring, by_id = keyring()
    kid = key_id(token)
    if not kid:
        # From before key ids (no associated data): try every key, newest first.
        for key in ring:
            try:
                return _open(key, token, None)
            except (InvalidTag, ValueError, binascii.Error):
                continue
        raise PersonalDataKeyError("A stored personal number opens with none of the configured keys.")
    key = by_id.get(kid)
    if key is None:
        raise PersonalDataKeyError(f"Personal data was encrypted with key {kid}, which is not in PERSONAL_DATA_KEYS.")
    try:
        return _open(key, token[len(kid) + 1 :], kid.encode())
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise PersonalDataKeyError(f"Key {kid} does not open a stored personal number (wrong key or damaged).") from exc


def _open(key, body, associated):
    raw = base64.b64decode(body, validate=True)
    return key.cipher.decrypt(raw[:12], raw[12:], associated).decode()


def fingerprint(value):
    """Keyed hash (hex) of a normalised value with the newest key, for uniqueness and exact
    lookups; "" stays ""."""
    if not value:
        return ""
    return hmac.new(keyring()[0][0].mac, value.encode(), hashlib.sha256).hexdigest()


def fingerprints(value):
    """The fingerprints of a value under every configured key, newest first: what a lookup
    matches while a rotation is under way (a row keeps its old key's until re-fingerprinted)."""
    if not value:
        return []
    return [hmac.new(key.mac, value.encode(), hashlib.sha256).hexdigest() for key in keyring()[0]]
