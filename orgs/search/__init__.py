"""The one search API of the directory: ``search_organisations(queryset, text)``, used as
``Organisation.objects.published().search(q)``.

It reads the query once (orgs/search/query.py), then hands it to the backend of the database
the queryset runs on: PostgreSQL (postgres.py) or SQLite (sqlite.py). Either way the result is
an ordinary queryset, filtered and annotated with ``search_rank`` and ``name_match``, so
filters, facets, sorting and pagination compose with it as one query.
"""

from django.db import connections
from django.db.models import Case, IntegerField, Value, When

from . import postgres, sqlite
from .query import parse

BACKENDS = {"postgresql": postgres, "sqlite": sqlite}


def search_organisations(queryset, text):
    query = parse(text)
    backend = BACKENDS[connections[queryset.db].vendor]
    if query.groups or query.excluded:
        queryset = backend.search(queryset, query)
    else:
        queryset = queryset.annotate(search_rank=Value(0.0))
    if query.countries:
        queryset = queryset.located_in(query.countries)
    # An exact or near-exact name match always comes first.
    name_matches = [When(name__iexact=query.text, then=Value(2))]
    if query.typed_words:
        name_matches.append(When(name__icontains=" ".join(query.typed_words), then=Value(1)))
    return queryset.annotate(
        name_match=Case(*name_matches, default=Value(0), output_field=IntegerField())
    )
