"""Synthetic listings for benchmarks: clearly marked, searchable, removable; and the search
index survives bulk loads and lost triggers."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from orgs.models import Organisation

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


def test_refresh_search_rewrites_the_documents_after_a_write_outside_the_application(
    organisation,
):
    Organisation.objects.filter(pk=organisation.pk).update(summary="Renamed from outside")
    assert Organisation.objects.matching("outside").count() == 0
    call_command("refresh_search", stdout=io.StringIO())
    assert Organisation.objects.matching("outside").count() == 1


def test_search_benchmark_prints_its_figures(vocabulary, organisation, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    out = io.StringIO()
    call_command("bench_search", "--repeat", "1", stdout=out)
    report = out.getvalue()
    assert f"{connection.vendor}: 1 published organisations" in report
    assert (
        "search page (with facets), cold: directory version bumped before every request: p50"
        in report
    )
    assert "search page (with facets), warm: the same request again" in report
    assert "bare Django view (baseline): p50" in report
    # Where a cold request's time goes: each part measured, none of it negative.
    parts = re.findall(
        r"(database statements|rendering the template|the rest \(.*\)): p50 (-?[\d.]+) ms", report
    )
    assert [name for name, _ in parts][:2] == ["database statements", "rendering the template"]
    assert len(parts) == 3
    assert all(float(ms) >= 0 for _, ms in parts)


@pytest.mark.django_db(transaction=True)  # the schema editor, as sqlmigrate uses it
def test_sqlmigrate_prints_the_search_objects_and_leaves_the_database_alone(organisation):
    out = io.StringIO()
    call_command("sqlmigrate", "orgs", "0011_search_in_migrations", stdout=out)
    if connection.vendor == "sqlite":
        assert "CREATE VIRTUAL TABLE orgs_organisation_fts USING fts5" in out.getvalue()
    else:
        assert "ADD COLUMN search_vector tsvector GENERATED ALWAYS" in out.getvalue()
        assert "CREATE INDEX orgs_searchdocument_name_trgm" in out.getvalue()
    # Printed, not run: the index and the documents are as they were.
    assert list(Organisation.objects.matching("safe houses")) == [organisation]


def test_the_search_objects_come_from_migrations_without_a_shared_version_row(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            objects = {name for (name,) in cursor.fetchall()}
            assert "orgs_organisation_fts" in objects
            # Only the FTS5 index follows the documents; no trigger on any other table.
            assert {o for o in objects if o.startswith("orgs_searchdocument_")} == {
                "orgs_searchdocument_ai",
                "orgs_searchdocument_ad",
                "orgs_searchdocument_au",
            }
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'orgs_searchdocument'"
            )
            indexes = {name for (name,) in cursor.fetchall()}
            assert "orgs_searchdocument_vector" in indexes
            # Misspelt names are read the same way on both databases: no trigram index.
            assert "orgs_searchdocument_name_trgm" not in indexes
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            assert cursor.fetchall() == []
        assert "orgs_search_version" not in connection.introspection.table_names(cursor)
