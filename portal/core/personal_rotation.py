"""Re-encrypting stored personal numbers in batches: the key rotation
(`manage.py rotate_personal_data_key`) and the data migrations that brought every number under
the versioned format. They work on column names (`<name>_encrypted`, `_hash`, `_masked`), so a
migration can run them on its historical models.

A leaf module: it imports no app.
"""

import base64
import os
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from . import personal_store

DEFAULT_BATCH_SIZE = 1000
# Rows per UPDATE inside a batch: bulk_update writes one CASE per column, which grows with its rows.
UPDATE_CHUNK = 100


@dataclass
class Outcome:
    model: str
    rows: int = 0  # rows that needed the newest key
    changed: int = 0  # rows written (0 in a dry run)
    failed: list = field(default_factory=list)  # (pk, message): could not be decrypted


def _stale(names, current):
    """Rows where any of the numbers is stored with another key than the newest (or none)."""
    condition = Q(pk__in=[])
    for name in names:
        column = f"{name}_encrypted"
        condition |= ~Q(**{column: ""}) & ~Q(**{f"{column}__startswith": current + personal_store.SEPARATOR})
    return condition


def rotate(model, names, *, batch_size=DEFAULT_BATCH_SIZE, dry_run=False, stop_on_error=True):
    """Re-encrypt with the newest key, and re-fingerprint, every number of `names` on `model`
    not yet made with it. One transaction per batch, rows locked while they are rewritten (a
    concurrent edit waits rather than being overwritten). Resumable: a row done is skipped.

    A row the configured keys cannot open raises PersonalDataKeyError (its batch is rolled
    back); with stop_on_error=False it is left as it is and listed in `failed` instead. A dry
    run writes nothing, locks nothing, and still tries to decrypt every row."""
    current = personal_store.current_key_id()
    outcome = Outcome(model=model._meta.label)
    columns = [f"{name}_{suffix}" for name in names for suffix in ("encrypted", "hash")]
    stale = model._base_manager.filter(_stale(names, current)).only("pk", *columns).order_by("pk")
    last = None
    while True:
        with transaction.atomic():
            batch = stale if last is None else stale.filter(pk__gt=last)
            rows = list((batch if dry_run else batch.select_for_update())[:batch_size])
            if not rows:
                break
            last = rows[-1].pk
            changed = []
            for row in rows:
                try:
                    for name in names:
                        token = getattr(row, f"{name}_encrypted")
                        if token and personal_store.key_id(token) != current:
                            number = personal_store.decrypt(token)
                            setattr(row, f"{name}_encrypted", personal_store.encrypt(number))
                            setattr(row, f"{name}_hash", personal_store.fingerprint(number))
                except personal_store.PersonalDataKeyError as exc:
                    outcome.failed.append((row.pk, str(exc)))
                    if stop_on_error:
                        raise
                    continue
                changed.append(row)
            outcome.rows += len(rows)
            if not dry_run and changed:
                model._base_manager.bulk_update(changed, columns, batch_size=UPDATE_CHUNK)
                outcome.changed += len(changed)
    return outcome


def encrypt_plain(model, plain, name, kind, *, batch_size=DEFAULT_BATCH_SIZE):
    """Data migration: move the clear numbers of column `plain` into `<name>_encrypted/_hash/
    _masked` (rows not done yet only, so it resumes), one transaction per batch."""
    todo = model._base_manager.filter(**{f"{name}_encrypted": ""}).exclude(**{plain: ""}).order_by("pk")
    columns = [f"{name}_{suffix}" for suffix in ("encrypted", "hash", "masked")]
    done = 0
    while True:
        with transaction.atomic():
            rows = list(todo.select_for_update().only("pk", plain, *columns)[:batch_size])
            if not rows:
                return done
            for row in rows:
                number = kind.normalize(getattr(row, plain))
                values = (personal_store.encrypt(number), personal_store.fingerprint(number), kind.mask(number))
                for column, value in zip(columns, values, strict=True):
                    setattr(row, column, value)
            model._base_manager.bulk_update(rows, columns, batch_size=UPDATE_CHUNK)
            done += len(rows)


def decrypt_to_plain(model, plain, name, *, batch_size=DEFAULT_BATCH_SIZE):
    """The reverse: the clear number back into `plain` (needs the keys that encrypted it)."""
    todo = model._base_manager.filter(**{plain: ""}).exclude(**{f"{name}_encrypted": ""}).order_by("pk")
    done = 0
    while True:
        with transaction.atomic():
            rows = list(todo.select_for_update().only("pk", plain, f"{name}_encrypted")[:batch_size])
            if not rows:
                return done
            for row in rows:
                setattr(row, plain, personal_store.decrypt(getattr(row, f"{name}_encrypted")))
            model._base_manager.bulk_update(rows, [plain], batch_size=UPDATE_CHUNK)
            done += len(rows)


def encrypt_without_key_id(value):
    """The format before key ids (AES-GCM with the newest key, no associated data): only for
    the reverse of the migration that added the ids."""
    key = personal_store.keyring()[0][0]
    nonce = os.urandom(12)
    return base64.b64encode(nonce + key.cipher.encrypt(nonce, value.encode(), None)).decode("ascii")


def remove_key_ids(model, names, *, batch_size=DEFAULT_BATCH_SIZE):
    """Reverse of the key-id migration: every versioned ciphertext back to the old format."""
    versioned = Q(pk__in=[])
    for name in names:
        versioned |= Q(**{f"{name}_encrypted__regex": r"^[0-9a-f]{8}:"})
    todo = model._base_manager.filter(versioned).order_by("pk")
    columns = [f"{name}_encrypted" for name in names]
    while True:
        with transaction.atomic():
            rows = list(todo.select_for_update().only("pk", *columns)[:batch_size])
            if not rows:
                return
            for row in rows:
                for column in columns:
                    token = getattr(row, column)
                    if personal_store.key_id(token):
                        setattr(row, column, encrypt_without_key_id(personal_store.decrypt(token)))
            model._base_manager.bulk_update(rows, columns, batch_size=UPDATE_CHUNK)
