"""A repeated search is answered from the results cache, and no change to the directory, made
in any way, ever lets the cache show an old answer."""

import pytest
from django.core.management import call_command

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
    # Only the token is read: the page itself comes from the cache.
    with django_assert_num_queries(1):
        again = client.get(URL)
    assert again.content == first.content
    assert "Harbour Trust" in again.content.decode()
    assert again["Content-Type"] == "text/html; charset=utf-8"


def test_a_visitor_with_a_session_is_given_a_freshly_rendered_page(
    client, harbour, django_assert_num_queries, settings
):
    first = seen(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-curator"
    # the token, the listings by id and their pillars: the vocabularies, the facet statement
    # and the page's ids still come from the cache, the page is rendered for this visitor.
    with django_assert_num_queries(3):
        again = seen(client)
    assert again == first
    assert first["names"] == ["Harbour Trust"]


def test_a_renamed_listing_is_shown_by_its_new_name_at_once(client, harbour):
    client.get(URL)
    Organisation.objects.filter(pk=harbour.pk).update(name="Harbour Refuge")
    page = client.get(URL).content.decode()
    assert "Harbour Refuge" in page
    assert "Harbour Trust" not in page


def test_editing_a_listing_shows_at_once(client, harbour):
    seen(client)
    harbour.summary = "Long-term support."
    harbour.save()
    assert seen(client)["names"] == []


def test_a_change_made_outside_django_models_shows_at_once(client, harbour):
    seen(client)
    # A bulk update sends no signals: the database's triggers still replace the token.
    Organisation.objects.filter(pk=harbour.pk).update(summary="Long-term support.")
    after = seen(client)
    assert after["names"] == []
    assert after["count"] == 0


def test_unpublishing_removes_a_listing_and_its_counts_at_once(client, harbour):
    seen(client)
    Organisation.objects.filter(pk=harbour.pk).update(status=Organisation.Status.REVIEW)
    after = seen(client)
    assert after["names"] == []
    assert after["count"] == 0
    assert after["pillars"]["recovery"] == 0


def test_a_new_pillar_or_country_is_counted_at_once(client, harbour):
    url = "/organisations/?q=safe+houses"
    before = seen(client, url)
    assert before["pillars"]["policy"] == 0
    harbour.pillars.add(Pillar.objects.get(slug="policy"))
    OperatingCountry.objects.create(organisation=harbour, country="FR")
    after = seen(client, url)
    assert after["pillars"]["policy"] == 1
    assert after["countries"]["FR"] == 1


def test_a_renamed_pillar_is_searched_and_offered_by_its_new_name_at_once(client, harbour):
    url = "/organisations/?q=mending"
    assert seen(client, url)["names"] == []
    Pillar.objects.filter(slug="recovery").update(name="Recovery and mending")
    after = seen(client, url)
    assert after["names"] == ["Harbour Trust"]
    assert "Recovery and mending" in after["pillar labels"]


def test_a_deleted_listing_disappears_at_once(client, harbour):
    seen(client)
    harbour.delete()
    after = seen(client)
    assert after["names"] == []
    assert after["count"] == 0


def test_a_csv_import_shows_at_once(client, harbour, tmp_path):
    seen(client)
    exported = tmp_path / "directory.csv"
    call_command("export_orgs", output=str(exported))
    text = exported.read_text(encoding="utf-8").replace("Safe houses for survivors.", "Refuges.")
    exported.write_text(text, encoding="utf-8")
    call_command("import_orgs", str(exported))
    assert seen(client)["names"] == []
