"""Search on SQLite: an FTS5 table over the search documents, ranked by bm25() with column
weights. Every term is quoted, so nothing a person types can be read as FTS5 syntax."""

from django.db.models import FloatField, Value
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


def match_expressions(query):
    """The FTS5 expressions for what must match and for what must not."""
    positive = " AND ".join(
        "(" + " OR ".join(_phrase(a) for a in group.alternatives) + ")" for group in query.groups
    )
    negative = " OR ".join(_phrase(p) for p in query.excluded)
    return positive, negative


def search(queryset, query):
    positive, negative = match_expressions(query)
    if not positive:
        queryset = queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
        if negative:
            matching = RawSQL(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [negative])
            queryset = queryset.exclude(pk__in=matching)
        return queryset
    expression = f"{positive} NOT ({negative})" if negative else positive
    return queryset.extra(
        tables=[FTS],
        where=[f"{FTS}.rowid = orgs_organisation.id", f"{FTS} MATCH %s"],
        params=[expression],
        select={"search_rank": f"-bm25({FTS}, {WEIGHTS})"},
    )
