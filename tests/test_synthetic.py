"""Synthetic listings for benchmarks: clearly marked, searchable, removable; and the search
index survives bulk loads and lost triggers."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from orgs.models import Organisation
from orgs.search import schema

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_synthetic_orgs", *args, stdout=out)
    return out.getvalue()


def test_synthetic_listings_are_clearly_marked_and_searchable(vocabulary):
    assert "Created 30 synthetic" in generate("--count", "30")
    synthetic = Organisation.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 30
    assert all(o.name.startswith("Synthetic ") and "synthetic" in o.tags for o in synthetic)
    assert all(o.sources.exists() and o.pillars.exists() for o in synthetic)
    # Bulk loading suspends the triggers; the index is rebuilt afterwards.
    assert Organisation.objects.published().matching("synthetic").count() == 30


def test_generating_twice_adds_new_listings_and_delete_removes_them(vocabulary, organisation):
    generate("--count", "5")
    generate("--count", "5")
    assert Organisation.objects.filter(slug__startswith="synthetic-").count() == 10
    generate("--delete")
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["harbour-trust"]
    assert Organisation.objects.matching("synthetic").count() == 0
    assert Organisation.objects.matching("harbour").count() == 1


def test_generating_needs_a_count(vocabulary):
    with pytest.raises(CommandError, match="--count"):
        generate()


def test_lost_triggers_are_put_back_and_the_index_rebuilt(organisation):
    with schema.suspended(connection):
        Organisation.objects.filter(pk=organisation.pk).update(summary="Renamed while suspended")
    assert Organisation.objects.matching("suspended").count() == 1
    organisation.summary = "After the triggers came back"
    organisation.save()
    assert Organisation.objects.matching("triggers").count() == 1
    assert Organisation.objects.matching("suspended").count() == 0


def test_search_benchmark_prints_its_figures(vocabulary, organisation, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    out = io.StringIO()
    call_command("bench_search", "--repeat", "1", stdout=out)
    report = out.getvalue()
    assert f"{connection.vendor}: 1 published organisations" in report
    assert (
        "search page (with facets), cold: results cache emptied before every request: p50" in report
    )
    assert "search page (with facets), warm: the same request again" in report
    assert "bare Django view (baseline): p50" in report
