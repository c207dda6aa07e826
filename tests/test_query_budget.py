"""Query counts per page are fixed: they do not grow with the page size, the number of
results or how much each listing holds.

Counted with the shared cache in memory, as with Redis in production, so that only the
page's own statements count (the embedded database cache adds its reads and writes of the
directory's version and of kept pages, orgs/caching.py); the directory's words (spelling.py),
which each process reads every few minutes, are read before counting."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from orgs import caching
from orgs.models import ExploitationForm, Language, Population, Source
from orgs.search import spelling

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# three filter vocabularies, all facet counts and the result count in one, the page's ids
# (matched, ranked and sorted), its listings by id, their pillars, their countries of operation
# (each card says where the listing works).
LISTING_QUERIES = 8
# The same page again, the directory unchanged: the whole page comes from the shared cache.
CACHED_LISTING_QUERIES = 0
# the organisation, seven prefetched relations (assessments included), its links known to be
# dead, the criteria, related organisations (ranked by pillars and countries shared), their
# pillars and their countries (cards say where they work).
PROFILE_QUERIES = 13
# the listings, seven prefetched relations (as the profile's), their links known to be dead,
# the pillars, the criteria.
COMPARE_QUERIES = 11
# pillars with counts, total count, the map's countries with their counts.
HOME_QUERIES = 3
# the pillar, then the search page's queries within it (the same filters, in pages).
PILLAR_QUERIES = 1 + LISTING_QUERIES


@pytest.fixture(autouse=True)
def shared_cache_in_memory(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    caches["default"].clear()


def cold():
    """As the first visitor after a change: nothing kept applies."""
    caching.bump()


def rich_organisations(count):
    organisations = OrganisationFactory.create_batch(
        count,
        pillars=["recovery", "policy", "education"],
        countries=["GB", "FR", "NP"],
        criteria_met=["long-standing", "registered", "local-partners"],
    )
    for organisation in organisations:
        organisation.exploitation_forms.set(ExploitationForm.objects.all())
        organisation.populations.set(Population.objects.all())
        organisation.languages.set(Language.objects.all()[:3])
        Source.objects.create(organisation=organisation, url="https://example.org/2", supports="x")
    return organisations


@pytest.mark.parametrize(("organisations", "page_size"), [(1, 20), (45, 20), (45, 5), (45, 50)])
def test_listing_query_count_is_fixed(
    client, vocabulary, django_assert_num_queries, settings, organisations, page_size
):
    settings.ORGS_PAGE_SIZE = page_size
    rich_organisations(organisations)
    url = "/organisations/?pillar=recovery&country=GB&q=organisation&sort=founded"
    spelling.vocabulary()
    with django_assert_num_queries(LISTING_QUERIES):
        client.get(url)
    with django_assert_num_queries(CACHED_LISTING_QUERIES):
        client.get(url)


def test_listing_with_no_results_uses_the_same_budget(
    client, vocabulary, django_assert_num_queries
):
    rich_organisations(3)
    client.get("/organisations/?q=zzzzqqqq")  # the spelling vocabulary is cached from here on
    cold()
    # A count of zero needs no page ids, no listings, no pillars and no countries: four fewer.
    with django_assert_num_queries(LISTING_QUERIES - 4):
        response = client.get("/organisations/?q=zzzzqqqq")
    assert response.context["did_you_mean"] is None


def test_a_spelling_suggestion_costs_a_fixed_number_of_queries(
    client, vocabulary, django_assert_num_queries
):
    rich_organisations(3)
    client.get("/organisations/?q=comunities")
    cold()
    # As an empty page, plus one exists() check for the suggested search (which shares the
    # page's token and vocabularies).
    with django_assert_num_queries(LISTING_QUERIES - 4 + 1):
        response = client.get("/organisations/?q=comunities")
    assert response.context["did_you_mean"]["text"] == "communities"


@pytest.mark.parametrize("related", [0, 1, 10])
def test_profile_query_count_is_fixed(client, vocabulary, django_assert_num_queries, related):
    organisation, *_ = rich_organisations(1 + related)
    # With nothing related there are no cards: no pillars, no countries to fetch for them.
    with django_assert_num_queries(PROFILE_QUERIES if related else PROFILE_QUERIES - 2):
        client.get(organisation.get_absolute_url())


@pytest.mark.parametrize("organisations", [0, 30])
def test_home_query_count_is_fixed(client, vocabulary, django_assert_num_queries, organisations):
    rich_organisations(organisations)
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")


@pytest.mark.parametrize("organisations", [1, 30])
def test_pillar_page_query_count_is_fixed(
    client, vocabulary, django_assert_num_queries, organisations
):
    rich_organisations(organisations)
    with django_assert_num_queries(PILLAR_QUERIES):
        client.get(reverse("orgs:pillar", args=["recovery"]))


@pytest.mark.parametrize("organisations", [0, 30])
def test_methodology_page_needs_two_queries(
    client, vocabulary, django_assert_num_queries, organisations
):
    rich_organisations(organisations)
    # the criteria; the directory's vetting totals.
    with django_assert_num_queries(2):
        client.get(reverse("orgs:methodology"))


@pytest.mark.parametrize("organisations", [0, 30])
def test_country_pages_query_counts_are_fixed(
    client, vocabulary, django_assert_num_queries, organisations
):
    rich_organisations(organisations)
    # the pillars; every country with its total and per-pillar counts (map and grid).
    with django_assert_num_queries(2):
        client.get(reverse("orgs:countries"))
    # count, page, the page's pillars and countries, coverage by pillar (no page, no pillars,
    # no countries when empty).
    with django_assert_num_queries(5 if organisations else 2):
        client.get(reverse("orgs:country", args=["gb"]))


@pytest.mark.parametrize("compared", [2, 4])
def test_comparison_query_count_is_fixed(client, vocabulary, django_assert_num_queries, compared):
    slugs = [organisation.slug for organisation in rich_organisations(compared)]
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(reverse("orgs:compare"), {"o": slugs})
    assert len(response.context["comparison"].organisations) == compared
