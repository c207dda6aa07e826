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
    """What a visitor sees: the listed names, the result count and the counted choices."""
    response = client.get(url)
    facets = response.context["facets"]
    return {
        "names": [o.name for o in response.context["object_list"]],
        "count": response.context["paginator"].count,
        "pillars": {c.value: c.count for c in facets["pillar"].choices},
        "countries": {c.value: c.count for c in facets["country"].choices},
    }


def test_a_repeated_search_runs_neither_expensive_statement_again(
    client, harbour, django_assert_num_queries
):
    first = seen(client)
    # the token, the listings by id and their pillars: the vocabularies, the facet statement
    # and the page's ids come from the cache.
    with django_assert_num_queries(3):
        again = seen(client)
    assert again == first
    assert first["names"] == ["Harbour Trust"]


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
    assert seen(client, url)["names"] == ["Harbour Trust"]
    labels = [c.label for c in client.get(url).context["facets"]["pillar"].choices]
    assert "Recovery and mending" in labels


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
