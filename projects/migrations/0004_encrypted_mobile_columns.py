"""Issue 16, step 1 of 3: the encrypted, fingerprinted and masked columns of the mobiles of
volunteers, sign-ups and micro-project proposers, beside the clear ones. The unique and check
constraints on the clear columns go now (0006 puts them on the fingerprints), so that the
reverse can put them back once 0005's reverse has refilled the clear columns."""

import portal.core.personal_fields
from django.db import migrations


def _columns(model_name, prefix, verbose_name, blank=False):
    return [
        migrations.AddField(
            model_name=model_name,
            name=f"{prefix}_encrypted",
            field=portal.core.personal_fields.EncryptedField(blank=blank, default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name,
            name=f"{prefix}_hash",
            field=portal.core.personal_fields.FingerprintField(blank=blank, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name=model_name,
            name=f"{prefix}_masked",
            field=portal.core.personal_fields.MaskedField(
                blank=blank, default="", editable=False, max_length=11, verbose_name=verbose_name
            ),
            preserve_default=False,
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_volunteer_links"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="microproject", name="microproject_resident_has_mobile"),
        migrations.RemoveConstraint(model_name="signup", name="signup_unique_mobile_per_activity"),
        migrations.RemoveConstraint(model_name="volunteer", name="volunteer_unique_mobile"),
        *_columns("volunteer", "mobile", "mobile"),
        *_columns("signup", "mobile", "mobile"),
        *_columns("microproject", "proposer_mobile", "proposer's mobile", blank=True),
    ]
