"""The read-only JSON API (/api/v1/): what it says, what it never says, how it answers errors,
caching, CORS, the rate limit and the queries each endpoint costs."""

import json
import re

import pytest
from django.core.cache import caches
from drf_spectacular.generators import SchemaGenerator

from orgs.models import Organisation
from orgs.opendata import hsds

from .conftest import HIDDEN_SLUGS, SECRET_CURATOR, SECRET_SENDER
from .factories import OrganisationFactory
from .test_query_budget import rich_organisations

pytestmark = pytest.mark.django_db

# Keys no open-data answer may hold, whatever a later change adds to the models.
FORBIDDEN_KEY = re.compile(
    r"^(curator.*|.*_curator.*|checked_by|seed_fingerprint|status_changed_by|decided_by|"
    r"sender.*|history.*)$"
)
DETAIL_KEYS = {
    "slug",
    "name",
    "summary",
    "organisation_type",
    "organisation_type_label",
    "founded",
    "hq_country",
    "pillars",
    "countries",
    "website",
    "last_reviewed_on",
    "updated_at",
    "profile_url",
    "api_url",
    "description",
    "tags",
    "exploitation_forms",
    "populations",
    "languages",
    "donate_url",
    "volunteer_url",
    "registration",
    "contact",
    "helpline",
    "sources",
    "vetting",
    "review_overdue",
}
VETTING_KEYS = {"criterion", "name", "mandatory", "result", "evidence_url", "note", "checked_on"}


def get_json(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), url
    return response.json()


def operations():
    """Every path of the OpenAPI document."""
    return list(SchemaGenerator().get_schema(request=None, public=True)["paths"])


def concrete(path, client):
    """A path of the document with its parameters filled in by published things."""
    if "{slug}" in path:
        return path.replace("{slug}", "harbour-trust")
    if "{code}" in path:
        return path.replace("{code}", "gb")
    if "{id}" in path:
        listing = path.split("{id}")[0]
        first = get_json(client, listing)["contents"][0]
        return path.replace("{id}", first["id"])
    return path


def loaded_resources(html):
    """Every address a browser would fetch to show the page (not the links it shows)."""
    return re.findall(r'\bsrc="([^"]*)"', html) + re.findall(
        r'<link rel="(?:stylesheet|icon|preload|modulepreload|manifest)"[^>]*href="([^"]*)"', html
    )


def walk(value, path="$"):
    """Every (path, key) of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def test_the_organisation_list_filters_searches_and_sorts_as_the_organisation_page(
    client, open_directory
):
    def slugs(query):
        return [
            row["slug"] for row in get_json(client, f"/api/v1/organisations/?{query}")["results"]
        ]

    assert slugs("") == ["beacon-network", "harbour-trust"]
    assert slugs("pillar=recovery") == ["harbour-trust"]
    assert slugs("pillar=recovery&pillar=policy") == ["beacon-network", "harbour-trust"]
    assert slugs("country=np") == ["beacon-network"]
    assert slugs("hq=GB") == ["harbour-trust"]
    assert slugs("q=safe+houses") == ["harbour-trust"]
    assert slugs("min_years=20") == ["harbour-trust"]
    assert slugs("sort=founded") == ["harbour-trust", "beacon-network"]


def test_the_list_never_holds_a_draft_a_listing_in_review_or_an_archived_one(
    client, open_directory
):
    body = json.dumps(get_json(client, "/api/v1/organisations/?page_size=100&country=FR"))
    assert get_json(client, "/api/v1/organisations/?country=FR")["count"] == 0
    for slug in HIDDEN_SLUGS:
        assert slug not in body


@pytest.mark.parametrize("slug", HIDDEN_SLUGS)
def test_an_unpublished_listing_is_a_json_404(client, open_directory, slug):
    data = get_json(client, f"/api/v1/organisations/{slug}/", status=404)
    assert set(data) == {"detail"}


def test_pages_keep_listings_that_tie_in_a_stable_order(client, vocabulary):
    for number in range(7):
        OrganisationFactory(name="Same Name", slug=f"same-{number}")
    seen = []
    for page in (1, 2, 3, 4):
        data = get_json(client, f"/api/v1/organisations/?page_size=2&page={page}")
        seen += [row["slug"] for row in data["results"]]
    assert sorted(seen) == [f"same-{number}" for number in range(7)]
    assert len(seen) == len(set(seen)) == 7
    # Asked again, the same order.
    again = [
        row["slug"] for row in get_json(client, "/api/v1/organisations/?page_size=100")["results"]
    ]
    assert again == seen


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("pillar=not-a-pillar", "pillar"),
        ("country=XX", "country"),
        ("hq=12", "hq"),
        ("type=spaceship", "type"),
        ("min_years=ten", "min_years"),
        ("min_years=-1", "min_years"),
        ("sort=random", "sort"),
        ("q=" + "x" * 201, "q"),
        ("pillar=" + "&pillar=".join(f"p{n}" for n in range(21)), "pillar"),
    ],
)
def test_a_bad_parameter_is_a_json_400_naming_it(client, open_directory, query, parameter):
    data = get_json(client, f"/api/v1/organisations/?{query}", status=400)
    assert parameter in data["errors"]
    assert data["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/?page=99",
        "/api/v1/organisations/?page=abc",
        "/api/v1/organisations/no-such-listing/",
        "/api/v1/countries/zz/",
        "/api/v1/countries/12/",
        "/api/v1/countries/①②/",
        "/api/v1/no-such-thing/",
        "/api/v2/",
        "/api/",
        "/api/v1/hsds/services/00000000-0000-0000-0000-000000000000/",
        "/api/v1/hsds/organizations/not-a-uuid/",
        "/api/v1/hsds/services/?page=50",
    ],
)
def test_a_missing_thing_under_api_is_a_json_404_never_an_html_page(client, open_directory, url):
    data = get_json(client, url, status=404)
    assert data["detail"]


def test_an_address_without_its_slash_leads_to_a_json_answer(client, open_directory):
    response = client.get("/api/v1/organisations", follow=True)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_writing_is_refused_in_json(client, open_directory):
    response = client.post("/api/v1/organisations/", {"name": "x"})
    assert response.status_code == 405
    assert response.json()["detail"]


def test_one_organisation_has_its_public_facts_sources_and_vetting(client, open_directory):
    data = get_json(client, "/api/v1/organisations/harbour-trust/")
    assert set(data) == DETAIL_KEYS
    assert data["countries"] == ["GB", "IE"]
    assert data["pillars"] == ["education", "recovery"] or set(data["pillars"]) == {
        "education",
        "recovery",
    }
    assert data["sources"] == [
        {"url": "https://harbour-trust.example.org/about", "supports": "all"}
    ]
    assert data["registration"]["number"] == "1234567"
    assert data["helpline"]["phone"] == "0800 000 0000"
    vetting = {row["criterion"]: row for row in data["vetting"]}
    assert all(set(row) == VETTING_KEYS for row in data["vetting"])
    assert vetting["registered"]["result"] == "met"
    assert vetting["registered"]["note"] == "Registered since 1996."
    assert vetting["local-partners"]["note"] == "Asked them in March."
    assert vetting["publishes-accounts"]["result"] == "unknown"


def test_no_answer_of_the_api_holds_a_curator_only_key_or_value(client, open_directory):
    """Every operation of the OpenAPI document, and every page of its lists: no key named
    like a curator-only field, and no curator's name, sender's email or unpublished slug."""
    answers = {}
    for path in operations():
        url = concrete(path, client)
        answers[url] = get_json(client, url)
    for url in ["/api/v1/organisations/beacon-network/", "/api/v1/hsds/services/?per_page=1"]:
        answers[url] = get_json(client, url)
    assert len(answers) >= 18
    for url, data in answers.items():
        for where, key in walk(data):
            assert not FORBIDDEN_KEY.match(key), f"{url}: {where}.{key}"
        text = json.dumps(data)
        for secret in [SECRET_CURATOR, SECRET_SENDER, *HIDDEN_SLUGS, "Hidden Draft"]:
            assert secret not in text, f"{url} shows {secret}"


def test_countries_say_how_many_work_on_each_pillar_there(client, open_directory):
    countries = {row["code"]: row for row in get_json(client, "/api/v1/countries/")}
    assert set(countries) == {"GB", "IE", "IN", "NP"}  # not FR: only unpublished work there
    gb = {row["slug"]: row["organisation_count"] for row in countries["GB"]["pillars"]}
    assert gb == {"intelligence": 0, "education": 1, "policy": 0, "recovery": 1}
    one = get_json(client, "/api/v1/countries/GB/")
    assert one["organisation_count"] == 1
    assert {row["slug"]: row["organisation_count"] for row in one["pillars"]} == gb


def test_pillars_and_vocabularies_are_listed(client, open_directory):
    pillars = {
        row["slug"]: row["organisation_count"] for row in get_json(client, "/api/v1/pillars/")
    }
    assert pillars == {"intelligence": 0, "education": 1, "policy": 1, "recovery": 1}
    vocabularies = get_json(client, "/api/v1/vocabularies/")
    assert {row["slug"] for row in vocabularies["pillars"]} == set(pillars)
    assert vocabularies["exploitation_forms"] and vocabularies["languages"]
    assert {row["code"] for row in vocabularies["sort"]} == {
        "relevance",
        "name",
        "founded",
        "reviewed",
    }


def test_every_answer_has_an_etag_and_an_unchanged_one_is_304(client, open_directory):
    for url in ["/api/v1/organisations/", "/api/v1/organisations/harbour-trust/", "/api/v1/"]:
        response = client.get(url)
        assert response["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
    detail = "/api/v1/organisations/harbour-trust/"
    etag = client.get(detail)["ETag"]
    Organisation.objects.filter(slug="harbour-trust").update(name="Harbour Trust UK")
    changed = client.get(detail, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert client.get("/api/v1/nothing/")["ETag"]


def test_any_site_may_read_the_api(client, open_directory):
    response = client.get("/api/v1/organisations/", HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    preflight = client.options(
        "/api/v1/organisations/",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    # Not the rest of the site.
    assert "Access-Control-Allow-Origin" not in client.get("/organisations/")


def test_too_many_requests_from_one_address_are_a_json_429_with_retry_after(
    client, open_directory, settings
):
    settings.API_REQUESTS_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/api/v1/pillars/").status_code == 200
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 429
    assert response.json()["detail"]
    assert int(response["Retry-After"]) >= 1
    # Another address has its own allowance.
    assert client.get("/api/v1/pillars/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_rate_limit_is_counted_in_the_cache_every_worker_shares(
    client, open_directory, settings
):
    """Two clients stand for two workers: they share only the "default" cache."""
    settings.API_REQUESTS_PER_MINUTE = 2
    from django.test import Client

    assert Client().get("/api/v1/pillars/").status_code == 200
    assert Client().get("/api/v1/pillars/").status_code == 200
    assert Client().get("/api/v1/pillars/").status_code == 429
    caches["default"].clear()
    assert Client().get("/api/v1/pillars/").status_code == 200


def test_an_ipv6_client_is_counted_by_its_network(client, open_directory, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    assert client.get("/api/v1/", REMOTE_ADDR="2001:db8:1:2::1").status_code == 200
    assert client.get("/api/v1/", REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429


def test_the_openapi_document_describes_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for path in [
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/",
        "/api/v1/pillars/",
        "/api/v1/countries/",
        "/api/v1/countries/{code}/",
        "/api/v1/vocabularies/",
        "/api/v1/hsds/",
        "/api/v1/hsds/organizations/",
        "/api/v1/hsds/services/{id}/",
        "/api/v1/hsds/taxonomy_terms/",
    ]:
        assert path in paths
    parameters = {
        p["name"] for p in document["paths"]["/api/v1/organisations/"]["get"]["parameters"]
    }
    assert parameters >= {"q", "pillar", "country", "hq", "exploitation", "population", "type"}
    assert parameters >= {"min_years", "sort", "page", "page_size"}


def test_the_documentation_page_lists_every_operation_and_loads_nothing_from_elsewhere(
    client, open_directory
):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in operations():
        assert f"GET {path}" in html
    assert "curl -s" in html
    assert loaded_resources(html)
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded_resources(html))
    assert "<script" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


# Queries of each endpoint, whatever the number of listings and how much each holds. The rate
# limit's counter is not among them: it lives in the shared cache (Redis in production; the
# database cache costs a few more statements of its own, the same on every request).
QUERY_BUDGETS = {
    # three filter vocabularies, the count, the page's ids, its listings, pillars, countries
    "/api/v1/organisations/?pillar=recovery&country=GB&sort=founded": 6 + 2,
    # with a text: also the words the spelling suggestions and misspelt names are matched
    # against (three vocabularies' names, the published names), built once per process for
    # a few minutes, here after the caches were emptied
    "/api/v1/organisations/?q=organisation": 6 + 2 + 4,
    # the listing, seven prefetched relations, its links known to be dead (as the profile's),
    # the criteria
    "/api/v1/organisations/{slug}/": 10,
    "/api/v1/pillars/": 1,
    # the pillars, the pillar counts per country, the counts per country
    "/api/v1/countries/": 3,
    "/api/v1/countries/gb/": 2,
    "/api/v1/vocabularies/": 5,
    "/api/v1/": 0,
    "/api/v1/hsds/": 0,
    # four taxonomies, the count, the page, seven prefetched relations, the links known to be
    # dead (one query a page, as the profile's)
    "/api/v1/hsds/organizations/": 4 + 2 + 7 + 1,
    "/api/v1/hsds/services/": 4 + 2 + 7 + 1,
    # four taxonomies, the listing found by its id, seven prefetched relations, dead links
    "/api/v1/hsds/organizations/{org_id}/": 4 + 1 + 7 + 1,
    "/api/v1/hsds/services/{service_id}/": 4 + 1 + 7 + 1,
    "/api/v1/hsds/taxonomies/": 4,
    "/api/v1/hsds/taxonomy_terms/": 4,
    "/api/v1/hsds/taxonomies/{taxonomy_id}/": 4,
    "/api/v1/hsds/taxonomy_terms/{term_id}/": 4,
}


@pytest.mark.parametrize("count", [1, 3])
def test_every_endpoint_costs_a_fixed_number_of_queries(
    client, vocabulary, settings, django_assert_num_queries, count
):
    """One directory per count (cheaper than one per endpoint), every endpoint measured with
    the caches emptied first."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    organisations = rich_organisations(count)
    slug = organisations[0].slug
    for url, budget in QUERY_BUDGETS.items():
        filled = url.format(
            slug=slug,
            org_id=hsds.organization_id(slug),
            service_id=hsds.service_id(slug),
            taxonomy_id=hsds.hsds_id("taxonomy", "pillars"),
            term_id=hsds.hsds_id("taxonomy_term", "pillars", "recovery"),
        )
        for cache in caches.all():
            cache.clear()
        with django_assert_num_queries(budget):
            response = client.get(filled)
        assert response.status_code == 200, (filled, response.content[:300])


@pytest.mark.parametrize(
    "query", ["pillar=recovery&country=GB&sort=founded", "q=organisation", "page=2&page_size=2"]
)
def test_an_organisation_page_asked_again_only_reads_its_listings(
    client,
    vocabulary,
    settings,
    django_assert_num_queries,
    committed,
    query,
):
    """The count and the page's ids are kept until the directory changes, as the search
    page's are: a page asked for again costs its listings, their pillars and countries."""
    settings.CACHES = {  # as in the budgets above: no statements for the cache itself
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    rich_organisations(5)
    url = f"/api/v1/organisations/?{query}"
    first = client.get(url)
    with django_assert_num_queries(3):
        again = client.get(url)
    assert again.json() == first.json()
    assert again.json()["count"] == 5
    with committed():
        OrganisationFactory(name="Zephyr Organisation", pillars=["recovery"], countries=["GB"])
    assert client.get(url).json()["count"] == 6, "a change to the directory is seen at once"


def test_a_database_that_cannot_answer_is_a_json_503_with_retry_after(
    client, open_directory, monkeypatch
):
    from django.db import OperationalError

    from orgs.models import Pillar

    def unavailable(*args, **kwargs):
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(type(Pillar.objects), "with_organisation_counts", unavailable)
    data = get_json(client, "/api/v1/pillars/", status=503)
    assert data["detail"]
    assert client.get("/api/v1/pillars/")["Retry-After"]
