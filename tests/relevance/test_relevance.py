"""The judged relevance set, run on each database: success@3 (a relevant organisation among
the first three) and nDCG@5 over the seeded directory, with each query read as the listing
reads it (``OrganisationFilter``: every word, or some of them when nothing matches every
word). Fails below the thresholds, or when fewer than half the queries are written as people
naturally type them."""

import json
import math
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from orgs.filters import OrganisationFilter
from orgs.models import Organisation

JUDGEMENTS = json.loads((Path(__file__).parent / "judgements.json").read_text())["queries"]
SUCCESS_AT_3 = 0.9
NDCG_AT_5 = 0.8


def dcg(grades):
    return sum(grade / math.log2(position + 2) for position, grade in enumerate(grades))


def evaluate(query, relevant):
    data = QueryDict(mutable=True)
    data["q"] = query
    listing = OrganisationFilter(data, queryset=Organisation.objects.published())
    results = list(listing.qs.values_list("slug", flat=True)[:5])
    ideal = dcg(sorted(relevant.values(), reverse=True)[:5])
    ndcg = dcg([relevant.get(slug, 0) for slug in results]) / ideal
    success = any(slug in relevant for slug in results[:3])
    return success, ndcg, results


@pytest.mark.django_db
def test_judged_queries_find_the_right_organisations_first(capsys):
    call_command("load_directory", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rows = [(j["query"], *evaluate(j["query"], j["relevant"])) for j in JUDGEMENTS]
    success = sum(r[1] for r in rows) / len(rows)
    ndcg = sum(r[2] for r in rows) / len(rows)
    misses = [f"  miss: {q!r} -> {results[:3]}" for q, ok, _, results in rows if not ok]
    with capsys.disabled():
        print(
            f"\nrelevance on {connection.vendor}: {len(rows)} judged queries, "
            f"success@3 = {success:.3f}, nDCG@5 = {ndcg:.3f}",
            *misses,
            sep="\n",
        )
    assert len(rows) >= 50
    assert sum(bool(j.get("natural")) for j in JUDGEMENTS) * 2 >= len(rows)
    assert success >= SUCCESS_AT_3, misses
    assert ndcg >= NDCG_AT_5
