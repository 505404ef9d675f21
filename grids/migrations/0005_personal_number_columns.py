"""Issue 16: the personal-number columns of members and staff become the portal.core.personal_fields
kinds (no change in the database but a fingerprint for staff mobiles), and the log of refused
registrations."""

import django.db.models.deletion
import portal.core.personal_fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grids', '0004_staff_accounts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='staffprofile',
            name='mobile_hash',
            field=portal.core.personal_fields.FingerprintField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_card_encrypted',
            field=portal.core.personal_fields.EncryptedField(editable=False),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_card_hash',
            field=portal.core.personal_fields.FingerprintField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_card_masked',
            field=portal.core.personal_fields.MaskedField(editable=False, max_length=18, verbose_name='ID-card number'),
        ),
        migrations.AlterField(
            model_name='member',
            name='mobile_encrypted',
            field=portal.core.personal_fields.EncryptedField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='member',
            name='mobile_hash',
            field=portal.core.personal_fields.FingerprintField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='member',
            name='mobile_masked',
            field=portal.core.personal_fields.MaskedField(blank=True, editable=False, max_length=11, verbose_name='mobile number'),
        ),
        migrations.AlterField(
            model_name='staffprofile',
            name='mobile_encrypted',
            field=portal.core.personal_fields.EncryptedField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='staffprofile',
            name='mobile_masked',
            field=portal.core.personal_fields.MaskedField(blank=True, editable=False, max_length=11, verbose_name='mobile number'),
        ),
        migrations.CreateModel(
            name='RefusedRegistration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                ('kind', models.CharField(choices=[('form', 'Member form'), ('import', 'Excel import')], max_length=10, verbose_name='how')),
                ('id_card_encrypted', portal.core.personal_fields.EncryptedField(editable=False)),
                ('id_card_hash', portal.core.personal_fields.FingerprintField(db_index=True, editable=False, max_length=64)),
                ('id_card_masked', portal.core.personal_fields.MaskedField(editable=False, max_length=18, verbose_name='ID-card number')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='grids.unit', verbose_name='unit registered into')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'refused registration',
                'verbose_name_plural': 'refused registrations',
                'ordering': ['-at', '-pk'],
            },
        ),
    ]
