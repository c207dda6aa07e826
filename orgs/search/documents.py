"""Rewrites the search documents (``SearchDocument``) of given listings, in one statement.

Called inside the writing transaction by the signal handlers (orgs/signals.py) and once per
batch by the bulk paths (CSV import, synthetic listings). It touches only the given listings'
document rows, so no write waits for another listing's. Each database's index follows the
documents by itself (PostgreSQL's generated vector, SQLite's FTS5 triggers).
"""

from django.db import connections

DOCUMENT = "orgs_searchdocument"
# The relations whose names are searchable and counted as facets:
# (through table, term table, through column, facet mask column).
TERM_RELATIONS = [
    ("orgs_organisation_pillars", "orgs_pillar", "pillar_id", "pillar_mask"),
    (
        "orgs_organisation_exploitation_forms",
        "orgs_exploitationform",
        "exploitationform_id",
        "exploitation_form_mask",
    ),
    ("orgs_organisation_populations", "orgs_population", "population_id", "population_mask"),
]
# A term id above this is no bit of a signed 64-bit mask; facets.py counts it another way.
MASK_BITS = 62
AGGREGATE = {"sqlite": "group_concat(t.name, ' ')", "postgresql": "string_agg(t.name, ' ')"}
BIT_OR = {"sqlite": "sum", "postgresql": "bit_or"}
COLUMNS = [
    "name", "summary", "tags", "terms", "description",
    *(mask for *_, mask in TERM_RELATIONS), "organisation_type", "hq_country",
]  # fmt: skip


def refresh_sql(vendor):
    """The statement that rewrites the documents of the listings whose ids are in the one
    array/JSON parameter (a listing that no longer exists is deleted by the caller)."""
    terms = " || ' ' || ".join(
        f"coalesce((SELECT {AGGREGATE[vendor]} FROM {through} x JOIN {table} t "
        f"ON t.id = x.{column} WHERE x.organisation_id = o.id), '')"
        for through, table, column, _ in TERM_RELATIONS
    )
    masks = [
        f"coalesce((SELECT {BIT_OR[vendor]}(CAST(1 AS bigint) << CAST(x.{column} AS integer)) "
        f"FROM {through} x WHERE x.organisation_id = o.id AND x.{column} <= {MASK_BITS}), 0)"
        for through, _, column, _ in TERM_RELATIONS
    ]
    values = ["o.name", "o.summary", "o.tags", terms, "o.description", *masks]
    values += ["o.organisation_type", "o.hq_country"]
    ids = {"sqlite": "(SELECT value FROM json_each(%s))", "postgresql": "(SELECT unnest(%s))"}
    return (
        f"INSERT INTO {DOCUMENT} (organisation_id, {', '.join(COLUMNS)}) "
        f"SELECT o.id, {', '.join(values)} FROM orgs_organisation o WHERE o.id IN {ids[vendor]} "
        "ON CONFLICT (organisation_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS)
    )


def refresh(ids, using="default"):
    """Rewrite the documents of the listings ``ids``."""
    ids = sorted(set(ids))  # one order everywhere: two writers never wait for each other
    if not ids:
        return
    connection = connections[using]
    param = ids if connection.vendor == "postgresql" else str(ids)
    with connection.cursor() as cursor:
        cursor.execute(refresh_sql(connection.vendor), [param])
