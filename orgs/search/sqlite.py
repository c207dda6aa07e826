"""Search on SQLite: an FTS5 table over the search documents, ranked by bm25() with column
weights. Every term is quoted, so nothing a person types can be read as FTS5 syntax."""

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from .schema import FTS

# bm25() weights, in the order of schema.FTS_COLUMNS: name, summary, tags, terms, description.
WEIGHTS = "10.0, 4.0, 4.0, 3.0, 1.0"


def _quote(word):
    return '"' + word.replace('"', '""') + '"'


def _phrase(phrase):
    if phrase.exact:
        return _quote(" ".join(phrase.words))
    return "(" + " AND ".join(_quote(word) for word in phrase.words) + ")"


def match_expression(query):
    """The FTS5 query for what must match and must not; None when nothing must match."""
    positive = " AND ".join(
        "(" + " OR ".join(_phrase(a) for a in group.alternatives) + ")" for group in query.groups
    )
    negative = " OR ".join(_phrase(p) for p in query.excluded)
    if positive and negative:
        return f"{positive} NOT ({negative})"
    return positive or None


def match_sql(query):
    """A self-contained SELECT of the matching organisation ids (safe inside any subquery)."""
    expression = match_expression(query)
    if expression:
        return f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [expression]
    negative = " OR ".join(_phrase(p) for p in query.excluded)
    return (
        f"SELECT id FROM orgs_organisation WHERE id NOT IN "
        f"(SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)",
        [negative],
    )


def ranked(queryset, query):
    """Join the index once: filter and rank in the same query."""
    return queryset.extra(
        tables=[FTS],
        # The unary + keeps SQLite from looking the index up once per organisation (seconds
        # at 100,000 listings): it must read the matches once and join them by primary key.
        where=[f"orgs_organisation.id = +{FTS}.rowid", f"{FTS} MATCH %s"],
        params=[match_expression(query)],
    ).annotate(search_rank=RawSQL(f"-bm25({FTS}, {WEIGHTS})", [], output_field=FloatField()))
