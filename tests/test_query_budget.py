"""Query counts per page are fixed: they do not grow with the page size, the number of
results or how much each listing holds.

Counted with the shared cache in memory, as with Redis in production, so that only the
page's own statements count (the embedded database cache adds its reads and writes of the
directory's version and of kept pages, orgs/caching.py); the directory's words (spelling.py),
which each process reads every few minutes, are read before counting."""

import json

import pytest
from django.core.cache import caches
from django.urls import reverse

from orgs import caching
from orgs.management.commands.load_directory import DEFAULT_FILE, Command
from orgs.models import ExploitationForm, Language, Population, Source
from orgs.search import spelling

from .conftest import kept_for_the_class
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


def assert_listing_query_count_is_fixed(client, django_assert_num_queries, settings, page_size):
    settings.ORGS_PAGE_SIZE = page_size
    url = "/organisations/?pillar=recovery&country=GB&q=organisation&sort=founded"
    spelling.vocabulary()
    with django_assert_num_queries(LISTING_QUERIES):
        client.get(url)
    with django_assert_num_queries(CACHED_LISTING_QUERIES):
        client.get(url)


def test_listing_query_count_is_fixed_with_one_listing(
    client, vocabulary, django_assert_num_queries, settings
):
    rich_organisations(1)
    assert_listing_query_count_is_fixed(client, django_assert_num_queries, settings, 20)


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


def test_home_query_count_is_fixed(client, vocabulary, django_assert_num_queries):
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")


def test_pillar_page_query_count_is_fixed(client, vocabulary, django_assert_num_queries):
    rich_organisations(1)
    with django_assert_num_queries(PILLAR_QUERIES):
        client.get(reverse("orgs:pillar", args=["recovery"]))


def test_methodology_page_needs_two_queries(client, vocabulary, django_assert_num_queries):
    # the criteria; the directory's vetting totals.
    with django_assert_num_queries(2):
        client.get(reverse("orgs:methodology"))


def assert_country_pages_query_counts_are_fixed(client, django_assert_num_queries, empty):
    # the pillars; every country with its total and per-pillar counts (map and grid).
    with django_assert_num_queries(2):
        client.get(reverse("orgs:countries"))
    # count, page, the page's pillars and countries, coverage by pillar (no page, no pillars,
    # no countries when empty).
    with django_assert_num_queries(2 if empty else 5):
        client.get(reverse("orgs:country", args=["gb"]))


def test_country_pages_query_counts_are_fixed(client, vocabulary, django_assert_num_queries):
    assert_country_pages_query_counts_are_fixed(client, django_assert_num_queries, empty=True)


@pytest.mark.parametrize("compared", [2, 4])
def test_comparison_query_count_is_fixed(client, vocabulary, django_assert_num_queries, compared):
    slugs = [organisation.slug for organisation in rich_organisations(compared)]
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(reverse("orgs:compare"), {"o": slugs})
    assert len(response.context["comparison"].organisations) == compared


# The same pages over many listings, made once per class (they take a tenth of a second or more
# each on PostgreSQL); each test's own transaction is rolled back to them.


@pytest.fixture(scope="class")
def many(request, django_db_setup, django_db_blocker):
    with kept_for_the_class(django_db_blocker):
        with django_db_blocker.unblock():
            Command().load_vocabularies(json.loads(DEFAULT_FILE.read_text(encoding="utf-8")))
            rich_organisations(request.cls.listings)
        yield


@pytest.mark.usefixtures("many")
class TestWith45Listings:
    listings = 45

    @pytest.mark.parametrize("page_size", [20, 5, 50])
    def test_listing_query_count_is_fixed(
        self, client, django_assert_num_queries, settings, page_size
    ):
        assert_listing_query_count_is_fixed(client, django_assert_num_queries, settings, page_size)


@pytest.mark.usefixtures("many")
class TestWith30Listings:
    listings = 30

    def test_home_query_count_is_fixed(self, client, django_assert_num_queries):
        with django_assert_num_queries(HOME_QUERIES):
            client.get("/")

    def test_pillar_page_query_count_is_fixed(self, client, django_assert_num_queries):
        with django_assert_num_queries(PILLAR_QUERIES):
            client.get(reverse("orgs:pillar", args=["recovery"]))

    def test_methodology_page_needs_two_queries(self, client, django_assert_num_queries):
        # the criteria; the directory's vetting totals.
        with django_assert_num_queries(2):
            client.get(reverse("orgs:methodology"))

    def test_country_pages_query_counts_are_fixed(self, client, django_assert_num_queries):
        assert_country_pages_query_counts_are_fixed(client, django_assert_num_queries, empty=False)
