"""A repeated search is answered from the caches, and no change to the directory made through
the application (a save, a delete, a relation, an admin action, a CSV import) ever lets them
show an old answer once it has committed; a write made outside the application shows after
``manage.py refresh_search``."""

import pytest
from django.core.management import call_command
from django.db import transaction

from orgs import caching
from orgs.models import OperatingCountry, Organisation, Pillar

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/organisations/?q=safe+houses&pillar=recovery"


@pytest.fixture
def harbour(vocabulary):
    OrganisationFactory(
        name="Lantern Lab",
        summary="Research.",
        pillars=["intelligence"],
        criteria_met=["long-standing"],
    )
    return OrganisationFactory(
        name="Harbour Trust",
        summary="Safe houses for survivors.",
        pillars=["recovery"],
        countries=["GB"],
        criteria_met=["long-standing"],
    )


def seen(client, url=URL):
    """What a visitor sees: the listed names, the result count and the counted choices, read
    from the page's context, so the page must have been rendered for this request: a stale
    page from the cache has no context and fails here."""
    response = client.get(url)
    assert response.context is not None, "the page came from the cache"
    facets = response.context["facets"]
    return {
        "names": [o.name for o in response.context["object_list"]],
        "count": response.context["paginator"].count,
        "pillars": {c.value: c.count for c in facets["pillar"].choices},
        "pillar labels": [c.label for c in facets["pillar"].choices],
        "countries": {c.value: c.count for c in facets["country"].choices},
    }


def test_a_repeated_search_is_the_same_page_for_one_query(
    client, harbour, django_assert_num_queries
):
    first = client.get(URL)
    # The directory's version and the page, both from the database cache (Redis in
    # production): nothing of the page runs again.
    with django_assert_num_queries(2):
        again = client.get(URL)
    assert again.content == first.content
    assert "Harbour Trust" in again.content.decode()
    assert again["Content-Type"] == "text/html; charset=utf-8"


def test_a_visitor_with_a_session_is_given_a_freshly_rendered_page(
    client, harbour, django_assert_num_queries, settings
):
    first = seen(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-curator"
    # the version, the listings by id and their pillars: the vocabularies, the facet statement
    # and the page's ids still come from the cache, the page is rendered for this visitor.
    with django_assert_num_queries(3):
        again = seen(client)
    assert again == first
    assert first["names"] == ["Harbour Trust"]


def test_a_renamed_listing_is_shown_by_its_new_name_at_once(client, harbour, committed):
    client.get(URL)
    with committed():
        harbour.name = "Harbour Refuge"
        harbour.save()
    page = client.get(URL).content.decode()
    assert "Harbour Refuge" in page
    assert "Harbour Trust" not in page


def test_editing_a_listing_shows_at_once(client, harbour, committed):
    seen(client)
    with committed():
        harbour.summary = "Long-term support."
        harbour.save()
    assert seen(client)["names"] == []


def test_a_change_made_outside_the_application_shows_after_refresh_search(
    client, harbour, committed
):
    seen(client)
    # A bulk update sends no signals: the documents and the version stay as they were...
    Organisation.objects.filter(pk=harbour.pk).update(summary="Long-term support.")
    assert client.get(URL).context is None  # (the kept page)
    with committed():
        call_command("refresh_search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = seen(client)
    assert after["names"] == []
    assert after["count"] == 0


def test_unpublishing_removes_a_listing_and_its_counts_at_once(client, harbour, committed):
    seen(client)
    with committed():
        harbour.move_to(Organisation.Status.REVIEW)
    after = seen(client)
    assert after["names"] == []
    assert after["count"] == 0
    assert after["pillars"]["recovery"] == 0


def test_a_new_pillar_or_country_is_counted_at_once(client, harbour, committed):
    url = "/organisations/?q=safe+houses"
    before = seen(client, url)
    assert before["pillars"]["policy"] == 0
    with committed():
        harbour.pillars.add(Pillar.objects.get(slug="policy"))
        OperatingCountry.objects.create(organisation=harbour, country="FR")
    after = seen(client, url)
    assert after["pillars"]["policy"] == 1
    assert after["countries"]["FR"] == 1


def test_a_renamed_pillar_is_searched_and_offered_by_its_new_name_at_once(
    client, harbour, committed
):
    url = "/organisations/?q=mending"
    assert seen(client, url)["names"] == []
    pillar = Pillar.objects.get(slug="recovery")
    with committed():
        pillar.name = "Recovery and mending"
        pillar.save()
    after = seen(client, url)
    assert after["names"] == ["Harbour Trust"]
    assert "Recovery and mending" in after["pillar labels"]


def test_a_deleted_listing_disappears_at_once(client, harbour, committed):
    seen(client)
    with committed():
        harbour.delete()
    after = seen(client)
    assert after["names"] == []
    assert after["count"] == 0


def test_a_csv_import_shows_at_once(client, harbour, tmp_path, committed):
    seen(client)
    exported = tmp_path / "directory.csv"
    call_command("export_orgs", output=str(exported))
    text = exported.read_text(encoding="utf-8").replace("Safe houses for survivors.", "Refuges.")
    exported.write_text(text, encoding="utf-8")
    with committed():
        call_command("import_orgs", str(exported), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert seen(client)["names"] == []


def test_the_version_changes_only_once_the_write_commits(harbour, committed):
    before = caching.version()
    with committed() as callbacks:
        for summary in ["One.", "Two.", "Three."]:
            harbour.summary = summary
            harbour.save()
        # Until the commit, another visitor must not compute pages for a version that names
        # a directory they cannot see yet.
        assert caching.version() == before
    assert len(callbacks) == 1  # one bump per transaction, however many writes
    assert caching.version() != before


def test_a_write_that_rolls_back_keeps_the_version(harbour, django_capture_on_commit_callbacks):
    before = caching.version()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        harbour.summary = "Never seen."
        harbour.save()
        raise RuntimeError
    assert caching.version() == before
