"""Search on SQLite: the FTS5 table over the search documents (``SearchIndex``, migration
0011), matched with ``MATCH`` and ranked by ``bm25()`` with column weights. Every term is
quoted, so nothing a person types can be read as FTS5 syntax."""

from django.db.models import FloatField, Func, Lookup, Value

from orgs.models import SearchIndex

INDEX = "search_document__index__match"
# bm25() weights, in the order of the FTS5 columns: name, summary, tags, terms, description.
WEIGHTS = (10.0, 4.0, 4.0, 3.0, 1.0)


class Match(Lookup):
    """``index__match__fts=expression``: FTS5's ``<table> MATCH <expression>``."""

    lookup_name = "fts"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


SearchIndex._meta.get_field("match").register_lookup(Match)


class BM25(Func):
    """FTS5's relevance of the matched row (lower is better), with column weights."""

    function = "bm25"
    output_field = FloatField()

    def __init__(self, column, weights):
        super().__init__(column, *(Value(w) for w in weights))


def _quote(word):
    return '"' + word.replace('"', '""') + '"'


def _phrase(phrase):
    if phrase.exact:
        return _quote(" ".join(phrase.words))
    return "(" + " AND ".join(_quote(word) for word in phrase.words) + ")"


def _any(phrases):
    return "(" + " OR ".join(_phrase(p) for p in phrases) + ")"


def expression(query, some_words=False):
    """The FTS5 query: every group (or, for ``some_words``, any) and none of the excluded."""
    positive = (" OR " if some_words else " AND ").join(_any(g.alternatives) for g in query.groups)
    if query.excluded:
        return f"({positive}) NOT {_any(query.excluded)}"
    return positive


def matching(queryset, query, some_words=False):
    return queryset.filter(**{f"{INDEX}__fts": expression(query, some_words)})


def ranked(queryset, query, some_words=False):
    return matching(queryset, query, some_words).annotate(search_rank=-BM25(INDEX, WEIGHTS))


def excluding(queryset, query):
    """Nothing must match, something must not: the listings the excluded words miss."""
    missed = SearchIndex.objects.filter(match__fts=_any(query.excluded)).values("pk")
    return queryset.exclude(pk__in=missed)
