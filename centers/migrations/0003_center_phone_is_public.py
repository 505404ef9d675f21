"""Issue 16: the help text saying a center's phone is its own public number, not a person's."""

import centers.models.centers
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('centers', '0002_standard_services'),
    ]

    operations = [
        migrations.AlterField(
            model_name='center',
            name='phone',
            field=models.CharField(blank=True, help_text="Shown on the public page: the center's own number, never a person's private mobile.", max_length=24, validators=[centers.models.centers.validate_phone], verbose_name='phone'),
        ),
    ]
