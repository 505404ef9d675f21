"""Issue 16: every stored ID-card and mobile number of members and staff re-encrypted in the
format that names its key ("<key id>:…", portal.core.personal_store), and the staff mobiles
fingerprinted, in batches of 1,000, one transaction each (a run that stops resumes). The
reverse writes the old format back (it needs the keys)."""

from django.db import migrations

from portal.core.personal_rotation import remove_key_ids, rotate

NUMBERS = [("member", ["id_card", "mobile"]), ("staffprofile", ["mobile"])]


def add_key_ids(apps, schema_editor):
    for model_name, names in NUMBERS:
        rotate(apps.get_model("grids", model_name), names)


def drop_key_ids(apps, schema_editor):
    for model_name, names in NUMBERS:
        remove_key_ids(apps.get_model("grids", model_name), names)


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch

    dependencies = [
        ("grids", "0005_personal_number_columns"),
    ]

    operations = [migrations.RunPython(add_key_ids, drop_key_ids)]
