# Volunteering and micro-projects were built side by side, each with its own first migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_micro_projects"),
        ("projects", "0001_volunteering"),
    ]

    operations = []
