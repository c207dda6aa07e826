"""Search on PostgreSQL: the documents' generated, weighted ``search_vector`` (GIN-indexed,
accent-insensitive English configuration ``pillars``, migration 0011) matched with
``SearchQuery`` and ranked with ``SearchRank`` (cover density, by document length); names
also match by trigram word similarity (their own GIN index), so a misspelt name still finds
its organisation."""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Value, When, Window
from django.db.models.functions import RowNumber

from orgs.models import SearchDocument

from .query import fold

CONFIG = "pillars"
VECTOR = "search_document__search_vector"
NAME = "search_document__name"
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


def _typed_name(query):
    """The words as typed, to compare with names by similarity; plain queries only."""
    if query.excluded:
        return None
    return " ".join(fold(word) for word in query.typed_words) or None


def _similar_names(name):
    """The documents whose name is close to ``name``, from the trigram index alone."""
    return SearchDocument.objects.filter(name__trigram_word_similar=name).values("pk")


def matching(queryset, query, some_words=False):
    # The text match and the close names as a UNION, each answered by its own index. Joined
    # with OR in one condition, PostgreSQL either rechecked the trigram similarity of every
    # text match (~30 µs a row: 70-110 ms for the 3,334 matches of "forced labour" at 10,000
    # listings) or, with the names as a hashed subquery, gave up the GIN index (a sequential
    # scan of every document, ~20 ms, for queries that match a few).
    texts = SearchDocument.objects.filter(search_vector=_tsquery(query, some_words)).values("pk")
    name = _typed_name(query)
    return queryset.filter(pk__in=texts.union(_similar_names(name)) if name else texts)


def ranked(queryset, query, some_words=False):
    tsquery = _tsquery(query, some_words)
    rank = SearchRank(F(VECTOR), tsquery, cover_density=True, normalization=Value(BY_LENGTH))
    name = _typed_name(query)
    if name:
        # The similarity of the close names only: computed for every match it cost more than
        # the match itself (~100 ms for "forced labour" at 10,000 listings).
        rank += Case(
            When(pk__in=_similar_names(name), then=TrigramWordSimilarity(Value(name), NAME)),
            default=0.0,
        )
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
