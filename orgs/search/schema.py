"""The database side of search: triggers that keep ``orgs_searchdocument`` in step with the
listings, and each database's full-text index over it.

``install(connection)`` is idempotent and runs after every ``migrate`` (post_migrate); on
PostgreSQL the search migration runs it too. On SQLite the triggers are removed before pending
migrations run (pre_migrate) and put back afterwards: SQLite cannot rebuild a table, as Django
does to alter one, while triggers elsewhere refer to it. Whenever anything had to be
(re)created, the documents and the index are rebuilt from the listings, so they never drift.
"""

from contextlib import contextmanager

DOCUMENT = "orgs_searchdocument"
FTS = "orgs_organisation_fts"
FTS_COLUMNS = ["name", "summary", "tags", "terms", "description"]

# The relations whose names are searchable: (through table, term table, through column).
TERM_RELATIONS = [
    ("orgs_organisation_pillars", "orgs_pillar", "pillar_id"),
    ("orgs_organisation_exploitation_forms", "orgs_exploitationform", "exploitationform_id"),
    ("orgs_organisation_populations", "orgs_population", "population_id"),
]

AGGREGATE = {"sqlite": "group_concat(t.name, ' ')", "postgresql": "string_agg(t.name, ' ')"}

# Facet keys on the document, so that every facet is counted in one pass over the matches
# (orgs/search/facets.py): the terms as bit masks (bit n set: the term with id n), the type and
# the headquarters. Ids above MASK_BITS cannot be a bit of a signed 64-bit integer; facets.py
# counts such a vocabulary through its relation instead.
MASK_BITS = 62
FACET_MASKS = {
    "orgs_organisation_pillars": "pillar_mask",
    "orgs_organisation_exploitation_forms": "exploitation_form_mask",
    "orgs_organisation_populations": "population_mask",
}
BIT_OR = {"sqlite": "sum", "postgresql": "bit_or"}

# The token of the search results cache (orgs/search/cache.py): one row, replaced by a new
# random value, inside the changing transaction, whenever anything a listing page can match,
# count or show in its order changes: a listing, its terms and countries, a vocabulary, a
# document, the vetting its cards sum up (assessments, criteria). Results are cached under the
# token, so a change makes every older result unusable.
VERSION = "orgs_search_version"
VERSIONED_TABLES = [
    "orgs_organisation",
    "orgs_operatingcountry",
    DOCUMENT,
    *(through for through, _, _ in TERM_RELATIONS),
    *(table for _, table, _ in TERM_RELATIONS),
    "orgs_assessment",
    "orgs_criterion",
]
ORGANISATION_FIELDS = ["name", "summary", "tags", "description", "organisation_type", "hq_country"]


def versioned(tables):
    """The versioned tables among ``tables`` (all when None): the search migration installs
    the schema before later migrations create some of them (assessments, criteria); every
    ``migrate`` installs it again afterwards (post_migrate), with them."""
    return [table for table in VERSIONED_TABLES if tables is None or table in tables]


def refresh_sql(vendor, where):
    """One statement that (re)writes the documents of the organisations matching ``where``
    (a condition on ``o``, the organisation)."""
    terms = " || ' ' || ".join(
        f"coalesce((SELECT {AGGREGATE[vendor]} FROM {through} x JOIN {table} t "
        f"ON t.id = x.{column} WHERE x.organisation_id = o.id), '')"
        for through, table, column in TERM_RELATIONS
    )
    masks = [
        f"coalesce((SELECT {BIT_OR[vendor]}(CAST(1 AS bigint) << CAST(x.{column} AS integer)) "
        f"FROM {through} x "
        f"WHERE x.organisation_id = o.id AND x.{column} <= {MASK_BITS}), 0)"
        for through, _, column in TERM_RELATIONS
    ]
    columns = [
        "name",
        "summary",
        "tags",
        "terms",
        "description",
        *(FACET_MASKS[through] for through, _, _ in TERM_RELATIONS),
        "organisation_type",
        "hq_country",
    ]
    values = ["o.name", "o.summary", "o.tags", terms, "o.description", *masks]
    values += ["o.organisation_type", "o.hq_country"]
    return (
        f"INSERT INTO {DOCUMENT} (organisation_id, {', '.join(columns)}) "
        f"SELECT o.id, {', '.join(values)} FROM orgs_organisation o WHERE {where} "
        "ON CONFLICT (organisation_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns)
    )


def linked_to_term(through, column, term_id):
    return f"o.id IN (SELECT organisation_id FROM {through} WHERE {column} = {term_id})"


# --- SQLite ----------------------------------------------------------------------------------


def sqlite_statements(tables=None):
    columns = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    delete_old = (
        f"INSERT INTO {FTS} ({FTS}, rowid, {columns}) "
        f"VALUES ('delete', old.organisation_id, {old});"
    )
    insert_new = f"INSERT INTO {FTS} (rowid, {columns}) VALUES (new.organisation_id, {new});"
    statements = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5({columns}, content='{DOCUMENT}', "
        "content_rowid='organisation_id', tokenize='porter unicode61 remove_diacritics 2')",
        # The external-content index follows the documents; old values come from OLD.
        f"CREATE TRIGGER IF NOT EXISTS {DOCUMENT}_ai AFTER INSERT ON {DOCUMENT} "
        f"BEGIN {insert_new} END",
        f"CREATE TRIGGER IF NOT EXISTS {DOCUMENT}_ad AFTER DELETE ON {DOCUMENT} "
        f"BEGIN {delete_old} END",
        f"CREATE TRIGGER IF NOT EXISTS {DOCUMENT}_au AFTER UPDATE ON {DOCUMENT} "
        f"BEGIN {delete_old} {insert_new} END",
        # The documents follow the listings and their terms.
        "CREATE TRIGGER IF NOT EXISTS orgs_organisation_search_ai AFTER INSERT ON "
        f"orgs_organisation BEGIN {refresh_sql('sqlite', 'o.id = new.id')}; END",
        "CREATE TRIGGER IF NOT EXISTS orgs_organisation_search_au AFTER UPDATE OF "
        f"{', '.join(ORGANISATION_FIELDS)} ON orgs_organisation "
        f"BEGIN {refresh_sql('sqlite', 'o.id = new.id')}; END",
        "CREATE TRIGGER IF NOT EXISTS orgs_organisation_search_ad AFTER DELETE ON "
        f"orgs_organisation BEGIN DELETE FROM {DOCUMENT} WHERE organisation_id = old.id; END",
    ]
    statements += [
        f"CREATE TABLE IF NOT EXISTS {VERSION} "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), token INTEGER NOT NULL)",
        f"INSERT OR IGNORE INTO {VERSION} (id, token) VALUES (1, random())",
    ]
    for table in versioned(tables):
        for event in ["INSERT", "UPDATE", "DELETE"]:
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_search_version_{event.lower()} "
                f"AFTER {event} ON {table} BEGIN UPDATE {VERSION} SET token = random(); END"
            )
    for through, table, column in TERM_RELATIONS:
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {through}_search_ai AFTER INSERT ON {through} BEGIN "
            f"{refresh_sql('sqlite', 'o.id = new.organisation_id')}; END",
            f"CREATE TRIGGER IF NOT EXISTS {through}_search_ad AFTER DELETE ON {through} BEGIN "
            f"{refresh_sql('sqlite', 'o.id = old.organisation_id')}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_search_au AFTER UPDATE OF name ON {table} "
            f"BEGIN {refresh_sql('sqlite', linked_to_term(through, column, 'new.id'))}; END",
        ]
    return statements


def sqlite_install(cursor):
    def objects():
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'trigger')")
        return cursor.fetchone()[0]

    before = objects()
    for statement in sqlite_statements(set(cursor.db.introspection.table_names(cursor))):
        cursor.execute(statement)
    if objects() != before:
        cursor.execute(f"DELETE FROM {DOCUMENT}")
        cursor.execute(refresh_sql("sqlite", "1 = 1"))
        cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')")


# --- PostgreSQL ------------------------------------------------------------------------------

RANDOM_TOKEN = "floor(random() * 9e18)::bigint"  # noqa: S105 (SQL, not a secret)


def postgres_statements(tables=None):
    refresh_one = refresh_sql("postgresql", "o.id = target")
    statements = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        # English stemming that ignores accents: "emigre" finds "émigré".
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'pillars') THEN "
        "CREATE TEXT SEARCH CONFIGURATION pillars (COPY = english); "
        "ALTER TEXT SEARCH CONFIGURATION pillars ALTER MAPPING FOR hword, hword_part, word "
        "WITH unaccent, english_stem; END IF; END $$",
        # Name first; summary, tags and terms next; description last.
        f"ALTER TABLE {DOCUMENT} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        "GENERATED ALWAYS AS ("
        "setweight(to_tsvector('pillars', coalesce(name, '')), 'A') || "
        "setweight(to_tsvector('pillars', coalesce(summary, '') || ' ' || coalesce(tags, '') "
        "|| ' ' || coalesce(terms, '')), 'B') || "
        "setweight(to_tsvector('pillars', coalesce(description, '')), 'D')) STORED",
        f"CREATE INDEX IF NOT EXISTS {DOCUMENT}_vector ON {DOCUMENT} USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {DOCUMENT}_name_trgm ON {DOCUMENT} "
        "USING gin (lower(name) gin_trgm_ops)",
        # PL/pgSQL, not SQL: its body is checked when first run, not when created, so that
        # migration 0002 can install it before the columns of later migrations exist.
        "CREATE OR REPLACE FUNCTION orgs_refresh_search_document(target bigint) RETURNS void "
        f"LANGUAGE plpgsql AS $$ BEGIN {refresh_one}; END $$",
        "CREATE OR REPLACE FUNCTION orgs_organisation_search_trigger() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN DELETE FROM {DOCUMENT} WHERE organisation_id = OLD.id; "
        "ELSE PERFORM orgs_refresh_search_document(NEW.id); END IF; RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION orgs_term_link_search_trigger() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN PERFORM orgs_refresh_search_document(OLD.organisation_id); "
        "ELSE PERFORM orgs_refresh_search_document(NEW.organisation_id); END IF; "
        "RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS orgs_organisation_search ON orgs_organisation",
        "CREATE TRIGGER orgs_organisation_search AFTER INSERT OR DELETE OR UPDATE OF "
        f"{', '.join(ORGANISATION_FIELDS)} ON orgs_organisation "
        "FOR EACH ROW EXECUTE FUNCTION orgs_organisation_search_trigger()",
    ]
    statements += [
        f"CREATE TABLE IF NOT EXISTS {VERSION} "
        "(id integer PRIMARY KEY CHECK (id = 1), token bigint NOT NULL)",
        f"INSERT INTO {VERSION} (id, token) VALUES (1, {RANDOM_TOKEN}) ON CONFLICT (id) DO NOTHING",
        "CREATE OR REPLACE FUNCTION orgs_search_version_trigger() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {VERSION} SET token = {RANDOM_TOKEN}; "
        "RETURN NULL; END $$",
    ]
    for table in versioned(tables):
        # Once per statement; TRUNCATE too (Django's flush empties tables with it).
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_search_version ON {table}",
            f"CREATE TRIGGER {table}_search_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION orgs_search_version_trigger()",
        ]
    for through, table, column in TERM_RELATIONS:
        renamed = refresh_sql("postgresql", linked_to_term(through, column, "NEW.id"))
        statements += [
            f"DROP TRIGGER IF EXISTS {through}_search ON {through}",
            f"CREATE TRIGGER {through}_search AFTER INSERT OR DELETE ON {through} "
            "FOR EACH ROW EXECUTE FUNCTION orgs_term_link_search_trigger()",
            f"CREATE OR REPLACE FUNCTION {table}_search_trigger() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {renamed}; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {table}_search ON {table}",
            f"CREATE TRIGGER {table}_search AFTER UPDATE OF name ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_trigger()",
        ]
    return statements


def postgres_install(cursor):
    for statement in postgres_statements(set(cursor.db.introspection.table_names(cursor))):
        cursor.execute(statement)
    cursor.execute(
        f"SELECT (SELECT count(*) FROM orgs_organisation) <> (SELECT count(*) FROM {DOCUMENT})"
    )
    if cursor.fetchone()[0]:
        cursor.execute(f"DELETE FROM {DOCUMENT}")
        cursor.execute(refresh_sql("postgresql", "true"))


def drop_sqlite_triggers(connection):
    with connection.cursor() as cursor:
        # Every trigger of ours has "search" in its name.
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%search%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def _switch_postgres_triggers(cursor, state):
    # Deferred foreign-key checks must run before a table's triggers can change.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in ["orgs_organisation", *(through for through, _, _ in TERM_RELATIONS)]:
        cursor.execute(f"ALTER TABLE {table} {state} TRIGGER USER")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def suspended(connection):
    """Bulk loads: no per-row trigger work inside, one full rebuild at the end."""
    if connection.vendor == "sqlite":
        drop_sqlite_triggers(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _switch_postgres_triggers(cursor, "DISABLE")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                _switch_postgres_triggers(cursor, "ENABLE")
                cursor.execute(f"DELETE FROM {DOCUMENT}")
        install(connection)


def install(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite_install(cursor)
        elif connection.vendor == "postgresql":
            postgres_install(cursor)


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {DOCUMENT} DROP COLUMN IF EXISTS search_vector")
