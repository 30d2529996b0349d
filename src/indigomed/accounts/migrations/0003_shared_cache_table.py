"""The cache table that sign-in rate limits and lock-outs count in, shared by every app server
(settings.CACHES, unless Redis holds the cache)."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_guardian_address_sealed")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
