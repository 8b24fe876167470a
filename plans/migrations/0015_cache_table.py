"""The table of the database cache that production shares between its worker processes (settings.CACHE_TABLE)."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Idempotent: an existing table is left as it is.
    call_command("createcachetable", settings.CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("plans", "0014_meeting_kinds")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
