"""The main navigation (with "How we vet" and the current section marked), the wordmark and
pillar icons, and pillar pages: paginated, with the search page's filters."""

import re

import pytest

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def current(html):
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S).group()
    return re.findall(r'<a href="([^"]+)" aria-current="(\w+)">([^<]+)<', nav)


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        ("/organisations/", [("/organisations/", "page", "Organisations")]),
        ("/organisations/harbour-trust/", [("/organisations/", "true", "Organisations")]),
        ("/countries/", [("/countries/", "page", "Countries")]),
        ("/countries/gb/", [("/countries/", "true", "Countries")]),
        ("/pillars/recovery/", [("/#pillars", "true", "The four pillars")]),
        ("/methodology/", [("/methodology/", "page", "How we vet")]),
        ("/guide/", [("/guide/", "page", "How to choose")]),
        ("/", []),
    ],
)
def test_the_main_navigation_marks_the_current_section(client, organisation, path, marked):
    html = client.get(path).content.decode()
    assert (
        'href="/methodology/"' in re.search(r'<nav aria-label="Main">.*?</nav>', html, re.S).group()
    )
    assert current(html) == marked


def test_the_wordmark_and_favicon_are_the_sites_own_svg(client, db):
    html = client.get("/").content.decode()
    assert re.search(r'<a class="brand" href="/" aria-current="page"><svg class="mark"', html)
    assert '<link rel="icon" href="/static/orgs/favicon.svg" type="image/svg+xml">' in html


def test_pillar_icons_sit_beside_the_pillar_names_on_the_home_page(client, vocabulary):
    html = client.get("/").content.decode()
    for slug, name in [("intelligence", "Intelligence"), ("recovery", "Recovery")]:
        assert re.search(
            rf'<li class="pillar-card pillar-{slug}">\s*<h3><svg class="icon"'
            rf'[^>]*aria-hidden="true".*?</svg> <a href="/pillars/{slug}/">{name}</a>',
            html,
            re.S,
        )


def test_a_pillar_page_is_paginated(client, vocabulary, settings):
    settings.ORGS_PAGE_SIZE = 5
    OrganisationFactory.create_batch(12, pillars=["recovery"])
    OrganisationFactory.create_batch(3, pillars=["policy"])
    response = client.get("/pillars/recovery/")
    assert response.context["paginator"].count == 12
    assert len(response.context["object_list"]) == 5
    html = response.content.decode()
    assert "Page 1 of 3" in html
    assert 'href="?page=2"' in html
    assert len(client.get("/pillars/recovery/", {"page": 3}).context["object_list"]) == 2


def test_a_pillar_page_filters_like_the_search_page_within_its_pillar(client, vocabulary):
    OrganisationFactory(name="Recovery in Nepal", pillars=["recovery"], countries=["NP"])
    OrganisationFactory(name="Recovery in Britain", pillars=["recovery"], countries=["GB"])
    OrganisationFactory(name="Policy in Nepal", pillars=["policy"], countries=["NP"])
    response = client.get("/pillars/recovery/", {"country": "NP"})
    assert [o.name for o in response.context["object_list"]] == ["Recovery in Nepal"]
    html = response.content.decode()
    assert 'action="/pillars/recovery/"' in html
    # Every pillar's page is within that pillar: no pillar filter, the others are offered.
    assert "<legend>Pillar</legend>" not in html
    assert "<legend>Form of exploitation</legend>" in html
    assert 'aria-label="Remove filter Works in: Nepal"' in html
    assert client.get("/pillars/no-such-pillar/").status_code == 404


def test_pillar_colour_is_on_the_heading_not_on_the_cards(client, organisation):
    html = client.get("/pillars/recovery/").content.decode()
    assert '<h1 class="pillar-heading pillar-recovery">' in html
    assert 'class="pillar-page pillar-' not in html


def test_with_no_search_the_order_is_by_name_ignoring_case_and_the_page_says_so(client, vocabulary):
    for name in ["banana Trust", "Apple Aid", "cherry Fund"]:
        OrganisationFactory(name=name)
    response = client.get("/organisations/")
    assert [o.name for o in response.context["object_list"]] == [
        "Apple Aid",
        "banana Trust",
        "cherry Fund",
    ]
    assert "In order of name, A to Z (capitals and small letters alike)." in (
        response.content.decode()
    )


def test_cards_say_where_a_listing_works_and_that_it_works_in_the_country_filtered_by(
    client, organisation
):
    organisation.donate_url = "https://harbour.example.org/give"
    organisation.save()
    everywhere = client.get("/organisations/").content.decode()
    assert "Based in United Kingdom · since 1995 (" in everywhere
    assert '<p class="card-where">Works in Ireland, United Kingdom</p>' in everywhere
    assert (
        '<a class="donate" href="https://harbour.example.org/give" rel="noopener external">'
        'Donate<span class="visually-hidden"> to Harbour Trust</span></a>'
    ) in everywhere
    filtered = client.get("/organisations/", {"country": "IE"}).content.decode()
    assert (
        '<p class="card-where"><strong>Works in Ireland</strong>; also in United Kingdom</p>'
        in (filtered)
    )
    country_page = client.get("/countries/ie/").content.decode()
    assert "<strong>Works in Ireland</strong>" in country_page


def test_a_card_names_a_few_countries_and_counts_the_rest(client, vocabulary):
    OrganisationFactory(name="Far Reach", countries=["GB", "FR", "DE", "NP", "IN", "BR"])
    html = client.get("/organisations/", {"country": "NP"}).content.decode()
    assert "<strong>Works in Nepal</strong>; also in Brazil, France, Germany and 2 more" in html


def test_cards_show_their_pillars_with_icons_and_labels(client, organisation):
    html = client.get("/organisations/").content.decode()
    assert re.search(
        r'<li class="pillar pillar-recovery"><svg class="icon"[^>]*aria-hidden="true".*?</svg>'
        r" Recovery</li>",
        html,
    )


def test_related_organisations_are_ranked_by_pillars_and_countries_shared(client, organisation):
    # Harbour Trust: recovery and education, in GB and IE.
    OrganisationFactory(name="Aardvark Unrelated", pillars=["policy"], countries=["FR"])
    OrganisationFactory(name="Both Pillars", pillars=["recovery", "education"], countries=["FR"])
    OrganisationFactory(
        name="Everything", pillars=["recovery", "education"], countries=["GB", "IE"]
    )
    OrganisationFactory(name="Country Only", pillars=["policy"], countries=["GB"])
    OrganisationFactory(name="One Of Each", pillars=["recovery"], countries=["IE"])
    related = client.get(organisation.get_absolute_url()).context["related"]
    assert [o.name for o in related] == [
        "Everything",
        "Both Pillars",
        "One Of Each",
        "Country Only",
    ]
