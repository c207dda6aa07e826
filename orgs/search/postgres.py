"""Search on PostgreSQL: the documents' generated, weighted ``search_vector`` (GIN-indexed,
accent-insensitive English configuration ``pillars``, migration 0011) matched with
``SearchQuery`` and ranked with ``SearchRank`` (cover density, by document length). A
misspelt name is widened to the closest words of names before it gets here (query.py), as on
SQLite."""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, FloatField, Value, When, Window
from django.db.models.functions import RowNumber

CONFIG = "pillars"
VECTOR = "search_document__search_vector"
# ts_rank_cd's normalisation: divided by the document's length, as bm25() does on SQLite, so
# that a long description does not outrank a short record about the very thing asked for
# (success@3 0.902 -> 0.927, nDCG@5 0.831 -> 0.846 on the judged set).
BY_LENGTH = 2
# ts_rank_cd over a query of phrases costs ~20 µs a match (65-125 ms for the 3,357 matches of
# "forced labour" at 10,000 listings; ts_rank ~2-10 ms): only the matches ts_rank puts first
# are ranked by it; the rest follow in ts_rank's order.
CANDIDATES = 200
# Above any ts_rank, so that the candidates come before every other match.
CANDIDATE_BONUS = 1000.0


def _phrase(phrase):
    search_type = "phrase" if phrase.exact else "plain"
    return SearchQuery(phrase.text, search_type=search_type, config=CONFIG)


def _any(phrases):
    return reduce(or_, map(_phrase, phrases))


def _tsquery(query, some_words):
    groups = [_any(group.alternatives) for group in query.groups]
    tsquery = reduce(or_ if some_words else and_, groups)
    for phrase in query.excluded:
        tsquery &= ~_phrase(phrase)
    return tsquery


def matching(queryset, query, some_words=False):
    return queryset.filter(**{VECTOR: _tsquery(query, some_words)})


def ranked(queryset, query, some_words=False):
    tsquery = _tsquery(query, some_words)
    rank = SearchRank(F(VECTOR), tsquery, cover_density=True, normalization=Value(BY_LENGTH))
    rough = SearchRank(F(VECTOR), tsquery, normalization=Value(BY_LENGTH))
    return (
        matching(queryset, query, some_words)
        .annotate(rough_rank=rough, rough_position=Window(RowNumber(), order_by=rough.desc()))
        .annotate(
            search_rank=Case(
                When(rough_position__lte=CANDIDATES, then=rank + Value(CANDIDATE_BONUS)),
                default=F("rough_rank"),
                output_field=FloatField(),
            )
        )
    )


def excluding(queryset, query):
    """Nothing must match, something must not: the listings the excluded words miss."""
    return queryset.exclude(**{VECTOR: _any(query.excluded)})
