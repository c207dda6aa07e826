"""The one search API of the directory, used through the organisation QuerySet:

- ``Organisation.objects.published().search(q)``: the organisations matching ``q``, annotated
  with ``relevance`` (an exact or near-exact name match first, then the backend's rank) for
  ``.by_relevance()``. One query; filters, sorting and pagination compose with it.
- ``….matching(q)``: the same organisations without ranking.

``some_words=True`` asks for the organisations matching any of the words instead of all of
them, those matching every word first: the listing widens to it when the organisations
matching every word do not fill a page.

The query is read once (query.py, with the directory's words from spelling.py), then handed to
the backend of the database the queryset runs on: PostgreSQL (postgres.py) or SQLite
(sqlite.py). Nothing else in the code asks which database it is on.
"""

from django.db import connections
from django.db.models import Case, ExpressionWrapper, F, FloatField, IntegerField, Value, When

from . import postgres, sqlite
from .query import parse
from .spelling import vocabulary

BACKENDS = {"postgresql": postgres, "sqlite": sqlite}
# Larger than any rank either backend gives, so a name match outranks every text match.
NAME_MATCH_WEIGHT = 1_000_000
# Of the listings matching some of the words, those matching all of them come first: larger
# than any rank (PostgreSQL's candidate bonus included), smaller than a name match.
EVERY_WORD_WEIGHT = 10_000


def read(text):
    """The query ``text`` as the backends read it."""
    return parse(text, known=vocabulary())


def _backend(queryset):
    return BACKENDS[connections[queryset.db].vendor]


def _matching(queryset, query, some_words, rank):
    backend = _backend(queryset)
    if query.groups:
        queryset = (backend.ranked if rank else backend.matching)(queryset, query, some_words)
    else:
        # Nothing to rank by: only exclusions, countries, or words too common to search.
        if query.excluded:
            queryset = backend.excluding(queryset, query)
        if rank:
            queryset = queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    return queryset.located_in(query.countries) if query.countries else queryset


def matching(queryset, text, some_words=False):
    return _matching(queryset, read(text), some_words, rank=False)


def search(queryset, text, some_words=False):
    query = read(text)
    queryset = _matching(queryset, query, some_words, rank=True)
    # An exact or near-exact name match always comes first.
    name_matches = [When(name__iexact=query.text, then=Value(2))]
    if query.typed_words:
        name_matches.append(When(name__icontains=" ".join(query.typed_words), then=Value(1)))
    name_match = Case(*name_matches, default=Value(0), output_field=IntegerField())
    relevance = name_match * Value(NAME_MATCH_WEIGHT) + F("search_rank")
    if some_words and query.groups:
        every_word = _matching(queryset.model.objects.all(), query, False, rank=False)
        relevance += Case(
            When(pk__in=every_word.values("pk"), then=Value(EVERY_WORD_WEIGHT)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(relevance=ExpressionWrapper(relevance, output_field=FloatField()))
