"""The one search API of the directory, used through the organisation QuerySet:

- ``Organisation.objects.published().search(q)``: the organisations matching ``q``, annotated
  with ``relevance`` (a name match first, then ``search_rank``) for ``.by_relevance()``.
  One query with the index joined in; filters, sorting and pagination compose with it.
- ``….matching(q)``: the same organisations without ranking, as a self-contained subquery, for
  places that only need membership (facet counts).

The query is read once (orgs/search/query.py), then handed to the backend of the database the
queryset runs on: PostgreSQL (postgres.py) or SQLite (sqlite.py). Nothing else in the code asks
which database it is on.
"""

from django.db import connections
from django.db.models import Case, ExpressionWrapper, F, FloatField, IntegerField, Value, When
from django.db.models.expressions import RawSQL

from . import postgres, sqlite
from .query import parse

BACKENDS = {"postgresql": postgres, "sqlite": sqlite}
# Larger than any rank either backend gives, so a name match outranks every text match.
NAME_MATCH_WEIGHT = 1_000_000


def _backend(queryset):
    return BACKENDS[connections[queryset.db].vendor]


def _in_countries(queryset, query):
    return queryset.located_in(query.countries) if query.countries else queryset


def _matching(queryset, query):
    if query.groups or query.excluded:
        queryset = queryset.filter(pk__in=RawSQL(*_backend(queryset).match_sql(query)))
    return _in_countries(queryset, query)


def matching(queryset, text):
    return _matching(queryset, parse(text))


def search(queryset, text):
    query = parse(text)
    if query.groups:
        queryset = _in_countries(_backend(queryset).ranked(queryset, query), query)
    else:
        # Nothing to rank by: only exclusions, countries, or words too common to search.
        queryset = _matching(queryset, query).annotate(
            search_rank=Value(0.0, output_field=FloatField())
        )
    # An exact or near-exact name match always comes first. One sort key, not two: with the
    # name match as a key of its own, PostgreSQL sorts every listing before searching.
    name_matches = [When(name__iexact=query.text, then=Value(2))]
    if query.typed_words:
        name_matches.append(When(name__icontains=" ".join(query.typed_words), then=Value(1)))
    name_match = Case(*name_matches, default=Value(0), output_field=IntegerField())
    return queryset.annotate(name_match=name_match).annotate(
        relevance=ExpressionWrapper(
            F("name_match") * NAME_MATCH_WEIGHT + F("search_rank"), output_field=FloatField()
        )
    )
