"""The full-text structures of the database in use: an FTS5 table on SQLite, a tsvector column
with a GIN index on PostgreSQL (search/engines.py writes and reads them)."""

from django.db import migrations


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE portal_search_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif vendor == "postgresql":
        schema_editor.execute("ALTER TABLE portal_searchentry ADD COLUMN vector tsvector")
        schema_editor.execute(
            "CREATE INDEX portal_searchentry_vector ON portal_searchentry USING GIN (vector)"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS portal_search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("ALTER TABLE portal_searchentry DROP COLUMN IF EXISTS vector")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
