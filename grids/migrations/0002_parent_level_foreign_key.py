"""On PostgreSQL, make the database itself refuse a parent that is not exactly one level up.

(parent_id, parent_level) must match some unit's (id, level); parent_level is generated as
level - 1. SQLite cannot add a constraint to an existing table, so there the model's
validation and save() guard the rule.
"""

from django.db import migrations

CONSTRAINT = "grids_unit_parent_one_level_up"


def add_fk(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE grids_unit ADD CONSTRAINT {CONSTRAINT} FOREIGN KEY (parent_id, parent_level) "
            "REFERENCES grids_unit (id, level) DEFERRABLE INITIALLY DEFERRED"
        )


def drop_fk(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE grids_unit DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("grids", "0001_unit_tree")]

    operations = [migrations.RunPython(add_fk, drop_fk, elidable=False)]
