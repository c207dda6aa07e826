"""The search objects of each database, created here (visible to ``sqlmigrate``), and the
old machinery removed: the ``orgs_search_version`` row that every writing transaction had to
update (and so lock), and the triggers that kept the search documents, which the application
now rewrites itself (orgs/search/documents.py).

PostgreSQL: an accent-insensitive English configuration, a generated, weighted ``tsvector``
with its GIN index, and a trigram index on names. SQLite: an FTS5 table over the documents
(external content), kept in step by triggers on the documents table only, so that SQLite can
still rebuild any other table when a later migration alters it.

Self-contained SQL: a migration never imports live app code.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

TERM_RELATIONS = [
    ("orgs_organisation_pillars", "orgs_pillar", "pillar_id", "pillar_mask"),
    ("orgs_organisation_exploitation_forms", "orgs_exploitationform", "exploitationform_id",
     "exploitation_form_mask"),
    ("orgs_organisation_populations", "orgs_population", "population_id", "population_mask"),
]  # fmt: skip
OLD_VERSIONED_TABLES = [
    "orgs_organisation", "orgs_operatingcountry", "orgs_searchdocument",
    *(through for through, *_ in TERM_RELATIONS), *(table for _, table, *_ in TERM_RELATIONS),
]  # fmt: skip
FTS_COLUMNS = "name, summary, tags, terms, description"


def rebuild_sql(vendor):
    """Every listing's document, as orgs/search/documents.py writes it."""
    aggregate = {"sqlite": "group_concat(t.name, ' ')", "postgresql": "string_agg(t.name, ' ')"}
    bit_or = {"sqlite": "sum", "postgresql": "bit_or"}[vendor]
    terms = " || ' ' || ".join(
        f"coalesce((SELECT {aggregate[vendor]} FROM {through} x JOIN {table} t "
        f"ON t.id = x.{column} WHERE x.organisation_id = o.id), '')"
        for through, table, column, _ in TERM_RELATIONS
    )
    masks = ", ".join(
        f"coalesce((SELECT {bit_or}(CAST(1 AS bigint) << CAST(x.{column} AS integer)) "
        f"FROM {through} x WHERE x.organisation_id = o.id AND x.{column} <= 62), 0)"
        for through, _, column, _ in TERM_RELATIONS
    )
    mask_columns = ", ".join(mask for *_, mask in TERM_RELATIONS)
    return (
        "INSERT INTO orgs_searchdocument (organisation_id, name, summary, tags, terms, "
        f"description, {mask_columns}, organisation_type, hq_country) "
        f"SELECT o.id, o.name, o.summary, o.tags, {terms}, o.description, {masks}, "
        "o.organisation_type, o.hq_country FROM orgs_organisation o"
    )


POSTGRES_DROP = [
    # CASCADE removes every trigger that calls these functions.
    "DROP FUNCTION IF EXISTS orgs_search_version_trigger() CASCADE",
    "DROP FUNCTION IF EXISTS orgs_organisation_search_trigger() CASCADE",
    "DROP FUNCTION IF EXISTS orgs_term_link_search_trigger() CASCADE",
    *(f"DROP FUNCTION IF EXISTS {table}_search_trigger() CASCADE" for _, table, *_ in TERM_RELATIONS),
    "DROP FUNCTION IF EXISTS orgs_refresh_search_document(bigint)",
    "DROP TABLE IF EXISTS orgs_search_version",
    "DROP INDEX IF EXISTS orgs_searchdocument_name_trgm",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # English stemming that ignores accents: "emigre" finds "émigré".
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'pillars') THEN "
    "CREATE TEXT SEARCH CONFIGURATION pillars (COPY = english); "
    "ALTER TEXT SEARCH CONFIGURATION pillars ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, english_stem; END IF; END $$",
    # Name first; summary, tags and terms next; description last.
    "ALTER TABLE orgs_searchdocument DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE orgs_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('pillars', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('pillars', coalesce(summary, '') || ' ' || coalesce(tags, '') "
    "|| ' ' || coalesce(terms, '')), 'B') || "
    "setweight(to_tsvector('pillars', coalesce(description, '')), 'D')) STORED",
    "CREATE INDEX orgs_searchdocument_vector ON orgs_searchdocument USING gin (search_vector)",
    "CREATE INDEX orgs_searchdocument_name_trgm ON orgs_searchdocument "
    "USING gin (name gin_trgm_ops)",
    "DELETE FROM orgs_searchdocument",
    rebuild_sql("postgresql"),
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS orgs_searchdocument_name_trgm",
    "ALTER TABLE orgs_searchdocument DROP COLUMN IF EXISTS search_vector",
]

DELETE_OLD = (
    f"INSERT INTO orgs_organisation_fts (orgs_organisation_fts, rowid, {FTS_COLUMNS}) "
    "VALUES ('delete', old.organisation_id, old.name, old.summary, old.tags, old.terms, "
    "old.description);"
)
INSERT_NEW = (
    f"INSERT INTO orgs_organisation_fts (rowid, {FTS_COLUMNS}) VALUES (new.organisation_id, "
    "new.name, new.summary, new.tags, new.terms, new.description);"
)
SQLITE_CREATE = [
    "ALTER TABLE orgs_searchdocument ADD COLUMN search_vector text NULL",
    "DROP TABLE IF EXISTS orgs_organisation_fts",
    f"CREATE VIRTUAL TABLE orgs_organisation_fts USING fts5({FTS_COLUMNS}, "
    "content='orgs_searchdocument', content_rowid='organisation_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    # The external-content index follows the documents; old values come from OLD.
    f"CREATE TRIGGER orgs_searchdocument_ai AFTER INSERT ON orgs_searchdocument BEGIN "
    f"{INSERT_NEW} END",
    f"CREATE TRIGGER orgs_searchdocument_ad AFTER DELETE ON orgs_searchdocument BEGIN "
    f"{DELETE_OLD} END",
    f"CREATE TRIGGER orgs_searchdocument_au AFTER UPDATE ON orgs_searchdocument BEGIN "
    f"{DELETE_OLD} {INSERT_NEW} END",
    "DELETE FROM orgs_searchdocument",
    rebuild_sql("sqlite"),
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS orgs_organisation_fts",
    "ALTER TABLE orgs_searchdocument DROP COLUMN search_vector",
]


class RunSQLOn(migrations.RunSQL):
    """``RunSQL`` on one database vendor, nothing on the others. Its statements go through the
    schema editor, so ``sqlmigrate`` prints them instead of running them."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def drop_old_sqlite_triggers(apps, schema_editor):
    # Every trigger of the old design (and the old FTS5 ones, made again below) had "search"
    # in its name.
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%search%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        cursor.execute("DROP TABLE IF EXISTS orgs_search_version")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0010_search_facet_keys"),
    ]

    operations = [
        migrations.RunPython(drop_old_sqlite_triggers, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="search_vector",
                    field=django.contrib.postgres.search.SearchVectorField(
                        editable=False, null=True
                    ),
                ),
            ],
            database_operations=[
                RunSQLOn("postgresql", [*POSTGRES_DROP, *POSTGRES_CREATE], POSTGRES_REVERSE),
                RunSQLOn("sqlite", SQLITE_CREATE, SQLITE_REVERSE),
            ],
        ),
        migrations.CreateModel(
            name="SearchIndex",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="index",
                        serialize=False,
                        to="orgs.searchdocument",
                    ),
                ),
                ("match", models.TextField(db_column="orgs_organisation_fts")),
            ],
            options={
                "db_table": "orgs_organisation_fts",
                "managed": False,
            },
        ),
    ]
