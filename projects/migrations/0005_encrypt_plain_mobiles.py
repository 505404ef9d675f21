"""Issue 16, step 2 of 3: every clear mobile of volunteers, sign-ups and micro-project proposers
encrypted, fingerprinted and masked (portal.core.personal_rotation), in batches of 1,000, one
transaction each, so a large table neither holds one long transaction nor all rows in memory;
a run that stops half-way resumes where it was. The reverse decrypts them back (it needs the
keys that encrypted them)."""

from django.db import migrations

from portal.core.personal_fields import MOBILE
from portal.core.personal_rotation import decrypt_to_plain, encrypt_plain

COLUMNS = [("volunteer", "mobile", "mobile"), ("signup", "mobile", "mobile"), ("microproject", "proposer_mobile", "proposer_mobile")]


def encrypt(apps, schema_editor):
    for model_name, plain, name in COLUMNS:
        encrypt_plain(apps.get_model("projects", model_name), plain, name, MOBILE)


def decrypt(apps, schema_editor):
    for model_name, plain, name in COLUMNS:
        decrypt_to_plain(apps.get_model("projects", model_name), plain, name)


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch (encrypt_plain)

    dependencies = [
        ("projects", "0004_encrypted_mobile_columns"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
