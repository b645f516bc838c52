"""Full-text structures of the database backend, per database vendor.

SQLite: an FTS5 virtual table over the pre-normalised columns, kept in step by triggers (external content).
PostgreSQL: the unaccent extension, a French text search configuration that removes accents, and a stored
generated tsvector column with weights A (title), B (themes, places), C (descriptions), GIN-indexed.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        text_a, text_b, text_c, content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, text_a, text_b, text_c) VALUES (new.id, new.text_a, new.text_b, new.text_c);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, text_a, text_b, text_c)
        VALUES ('delete', old.id, old.text_a, old.text_b, old.text_c);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, text_a, text_b, text_c)
        VALUES ('delete', old.id, old.text_a, old.text_b, old.text_c);
        INSERT INTO search_fts(rowid, text_a, text_b, text_c) VALUES (new.id, new.text_a, new.text_b, new.text_c);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'relais_fr') THEN
            CREATE TEXT SEARCH CONFIGURATION relais_fr (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION relais_fr
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    """ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('relais_fr'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('relais_fr'::regconfig, coalesce(themes_text, '')), 'B')
        || setweight(to_tsvector('relais_fr'::regconfig, coalesce(body, '')), 'C')) STORED""",
    "CREATE INDEX search_doc_vector ON search_searchdocument USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
