"""Issue 16, step 3 of 3: the clear mobiles go; uniqueness and presence are now checked on the
fingerprints (one volunteer per mobile, one live sign-up per mobile and activity)."""

from django.db import migrations, models

import portal.core.personal


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_encrypt_plain_mobiles'),
    ]

    operations = [
        # A default first, so that the reverse can add the clear columns back to existing rows
        # (0005's reverse then fills them).
        migrations.AlterField(
            model_name='signup',
            name='mobile',
            field=models.CharField(default='', max_length=11, validators=[portal.core.personal.validate_mobile], verbose_name='mobile'),
        ),
        migrations.AlterField(
            model_name='volunteer',
            name='mobile',
            field=models.CharField(default='', max_length=11, validators=[portal.core.personal.validate_mobile], verbose_name='mobile'),
        ),
        migrations.RemoveField(
            model_name='microproject',
            name='proposer_mobile',
        ),
        migrations.RemoveField(
            model_name='signup',
            name='mobile',
        ),
        migrations.RemoveField(
            model_name='volunteer',
            name='mobile',
        ),
        migrations.AddConstraint(
            model_name='microproject',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('proposer_kind', 'resident'), _negated=True), models.Q(('proposer_mobile_hash', ''), _negated=True), _connector='OR'), name='microproject_resident_has_mobile', violation_error_message="A resident's proposal needs a mobile number."),
        ),
        migrations.AddConstraint(
            model_name='signup',
            constraint=models.UniqueConstraint(condition=models.Q(('cancelled_at__isnull', True)), fields=('activity', 'mobile_hash'), name='signup_unique_mobile_per_activity', violation_error_message='This mobile number is already signed up for this activity.'),
        ),
        migrations.AddConstraint(
            model_name='signup',
            constraint=models.CheckConstraint(condition=models.Q(('mobile_hash', ''), _negated=True), name='signup_has_mobile', violation_error_message='A sign-up needs a mobile number.'),
        ),
        migrations.AddConstraint(
            model_name='volunteer',
            constraint=models.UniqueConstraint(fields=('mobile_hash',), name='volunteer_unique_mobile', violation_error_message='A volunteer with this mobile number is already registered.'),
        ),
        migrations.AddConstraint(
            model_name='volunteer',
            constraint=models.CheckConstraint(condition=models.Q(('mobile_hash', ''), _negated=True), name='volunteer_has_mobile', violation_error_message='A volunteer needs a mobile number.'),
        ),
    ]
