# Hand-written (issue 12): the kept hours per service project and month, and the category in the
# key of the funnel's kept totals, both filled from the records (later writes keep them:
# services/hours.py, services/funnel.py).

from decimal import Decimal
from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models


def empty_funnel(apps, schema_editor):
    # The rows are counted again below, per category: none may stay without one.
    apps.get_model("projects", "MicroFunnelTotal").objects.all().delete()


def refill_without_category(apps, schema_editor):
    # Backwards: the totals as 0012 kept them (the categories added up).
    import_module("projects.migrations.0012_funnel_totals").fill(apps, schema_editor)


def fill(apps, schema_editor):
    from projects.services.funnel import grouped_totals
    from projects.services.hours import grouped_hours

    funnel = apps.get_model("projects", "MicroFunnelTotal")
    totals = grouped_totals(
        apps.get_model("projects", "MicroProject").objects.all(), apps.get_model("projects", "Expenditure").objects.all()
    )
    funnel.objects.bulk_create(
        (funnel(community_id=c, year=y, status=s, category=k, **figures) for (c, y, s, k), figures in totals.items()),
        batch_size=2000,
    )
    hours = apps.get_model("projects", "ServiceHoursTotal")
    kept = grouped_hours(apps.get_model("projects", "ServiceRecord").objects.all())
    hours.objects.bulk_create(
        (hours(project_id=p, month=m, hours=h) for (p, m), h in kept.items() if h), batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0020_dashboard_tallies"),
        ("projects", "0012_funnel_totals"),
    ]

    operations = [
        # Backwards the table is refilled last, once every ALTER TABLE has run: PostgreSQL refuses
        # an ALTER TABLE on a table with inserts (deferred foreign key checks) pending.
        migrations.RunPython(migrations.RunPython.noop, refill_without_category),
        migrations.CreateModel(
            name="ServiceHoursTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="month")),
                (
                    "hours",
                    models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="hours"),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="projects.serviceproject",
                        verbose_name="project",
                    ),
                ),
            ],
            options={
                "verbose_name": "service hours total",
                "verbose_name_plural": "service hours totals",
                "constraints": [
                    models.UniqueConstraint(fields=("month", "project"), name="servicehourstotal_unique_key"),
                    models.CheckConstraint(
                        condition=models.Q(("month__day", 1)), name="servicehourstotal_first_of_month"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("hours__gt", 0)), name="servicehourstotal_hours_positive"
                    ),
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="microfunneltotal", name="microfunneltotal_unique_key"),
        migrations.RunPython(empty_funnel, empty_funnel),
        migrations.AddField(
            model_name="microfunneltotal",
            name="category",
            field=models.CharField(
                choices=[("works", "Works"), ("goods", "Goods"), ("services", "Services")],
                default="works",
                max_length=16,
                verbose_name="category",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="microfunneltotal",
            constraint=models.UniqueConstraint(
                fields=("community", "year", "status", "category"), name="microfunneltotal_unique_key"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
