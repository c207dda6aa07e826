"""The one search entry point for the directory: ``search_organisations(queryset, query)``.

Every word of the query must appear in the name, summary, description, tags or pillar
names (case-insensitive, on SQLite and PostgreSQL alike). Results that match in the name
are annotated so the list can put them first when sorting by relevance.
"""

import re

from django.db.models import Case, IntegerField, Q, Value, When

MAX_TERMS = 10
SEARCHED_FIELDS = ("name", "summary", "description", "tags", "pillars__name")


def terms(query):
    """The words of a query, without punctuation that only separates them."""
    words = re.findall(r"\w[\w'-]*", query or "")
    return words[:MAX_TERMS]


def search_organisations(queryset, query):
    words = terms(query)
    if not words:
        return queryset.annotate(name_match=Value(0, output_field=IntegerField()))
    model = queryset.model
    matching = model.objects.all()
    for word in words:
        condition = Q()
        for field in SEARCHED_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        matching = matching.filter(condition)
    phrase = " ".join(words)
    return queryset.filter(pk__in=matching.values("pk")).annotate(
        name_match=Case(
            When(name__iexact=phrase, then=Value(2)),
            When(name__icontains=phrase, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
