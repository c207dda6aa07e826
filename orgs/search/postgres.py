"""Search on PostgreSQL: the documents' generated, weighted ``search_vector`` (GIN-indexed,
accent-insensitive English configuration ``pillars``, migration 0011) matched with
``SearchQuery`` and ranked with ``SearchRank``; names also match by trigram word similarity
(their own GIN index), so a misspelt name still finds its organisation."""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Value, When

from orgs.models import SearchDocument

from .query import fold

CONFIG = "pillars"
VECTOR = "search_document__search_vector"
NAME = "search_document__name"


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
    # with OR in one condition, PostgreSQL rechecked the trigram similarity of every text match
    # (~30 µs a row): 70-110 ms for the 3,334 matches of "forced labour" at 10,000 listings.
    texts = SearchDocument.objects.filter(search_vector=_tsquery(query, some_words)).values("pk")
    name = _typed_name(query)
    return queryset.filter(pk__in=texts.union(_similar_names(name)) if name else texts)


def ranked(queryset, query, some_words=False):
    rank = SearchRank(F(VECTOR), _tsquery(query, some_words), cover_density=True)
    name = _typed_name(query)
    if name:
        # The similarity of the close names only: computed for every match it cost more than
        # the match itself (~100 ms for "forced labour" at 10,000 listings).
        rank += Case(
            When(pk__in=_similar_names(name), then=TrigramWordSimilarity(Value(name), NAME)),
            default=0.0,
        )
    return matching(queryset, query, some_words).annotate(
        search_rank=rank * Value(1.0, output_field=FloatField())
    )


def excluding(queryset, query):
    """Nothing must match, something must not: the listings the excluded words miss."""
    return queryset.exclude(**{VECTOR: _any(query.excluded)})
