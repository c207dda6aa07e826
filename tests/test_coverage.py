"""The coverage map and the country-by-pillar grid (orgs/coverage.py) on /countries/ and the
home page, and the pillar bars of a country page."""

import json
import re

import pytest

from orgs.coverage import WORLD_MAP, shade, world_map
from orgs.models import Organisation

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(organisation):
    """Harbour Trust (recovery, education; GB, IE), plus policy work in GB and NP, and a draft
    that must count nowhere."""
    OrganisationFactory(name="Policy Watch", pillars=["policy"], countries=["GB", "NP"])
    OrganisationFactory(name="Hidden", status=Organisation.Status.DRAFT, countries=["FR"])


def map_links(html):
    """Each linked country of the map: (href, accessible name, shade)."""
    return re.findall(
        r'<a href="(/countries/\w\w/)" aria-label="([^"]+)"><title>[^<]*</title>'
        r'<path class="s(\d)"',
        html,
    )


def test_outlines_are_natural_earths_countries_with_their_licence_recorded():
    drawn = world_map()
    assert "Natural Earth" in drawn["source"] and "public domain" in drawn["source"]
    assert {"GB", "NP", "US", "BR", "AU", "IN"} <= drawn["outlines"].keys()
    assert "AQ" not in drawn["outlines"]  # nobody works in Antarctica
    assert json.loads(WORLD_MAP.read_text()) == drawn


def test_shades_stand_for_fixed_numbers_of_organisations():
    assert [shade(n) for n in [0, 1, 2, 3, 4, 7, 8, 50]] == [0, 1, 2, 2, 3, 3, 4, 4]


def test_the_map_links_each_country_with_organisations_named_with_its_number(client, spread):
    html = client.get("/countries/").content.decode()
    assert sorted(map_links(html)) == [
        ("/countries/gb/", "United Kingdom: 2 organisations", "2"),
        ("/countries/ie/", "Ireland: 1 organisation", "1"),
        ("/countries/np/", "Nepal: 1 organisation", "1"),
    ]
    # Countries where nobody listed works are drawn, unlinked, hidden from screen readers.
    assert '<g class="s0" aria-hidden="true"><path d="M' in html
    assert "/countries/fr/" not in html


def test_the_pillar_switch_shades_the_map_by_one_pillar_without_javascript(client, spread):
    html = client.get("/countries/", {"pillar": "recovery"}).content.decode()
    links = dict((href, (name, level)) for href, name, level in map_links(html))
    assert links["/countries/gb/"] == ("United Kingdom: 1 organisation on recovery", "1")
    assert links["/countries/np/"] == ("Nepal: 0 organisations on recovery", "0")
    assert 'class="coverage-map pillar-recovery"' in html
    switch = re.search(r'<nav class="pillar-switch".*?</nav>', html, re.S).group()
    assert re.search(r'href="\?pillar=recovery" aria-current="true"', switch)
    assert 'href="/countries/">All pillars' in switch or 'href="?">All pillars' in switch


def test_an_unknown_pillar_shades_by_every_pillar(client, spread):
    response = client.get("/countries/", {"pillar": "nonsense", "sort": "nonsense"})
    assert response.status_code == 200
    assert response.context["coverage"].shown is None
    assert response.context["sort"] == "name"


def grid(html):
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a [^>]*>([^<]+)</a></th>(.*?)</tr>", html, re.S)
    return [
        (
            name,
            [
                re.sub(r"<[^>]+>", "", cell).removesuffix(" gap")
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells)
            ],
        )
        for name, cells in rows
    ]


def test_the_grid_carries_the_maps_numbers_by_pillar_and_marks_the_gaps(client, spread):
    html = client.get("/countries/").content.decode()
    # Country, all, intelligence, education, policy, recovery.
    assert grid(html) == [
        ("Ireland", ["1", "0", "1", "0", "1"]),
        ("Nepal", ["1", "0", "0", "1", "0"]),
        ("United Kingdom", ["2", "0", "1", "1", "1"]),
    ]
    assert html.count('<td class="gap">0 <span class="gap-key">gap</span></td>') == 6
    assert 'href="/organisations/?country=GB&amp;pillar=policy">1</a>' in html


def test_the_grid_sorts_by_a_column_from_a_link(client, spread):
    html = client.get("/countries/").content.decode()
    assert 'href="?sort=total">All</a>' in html
    assert 'href="?sort=policy">' in html
    by_total = client.get("/countries/", {"sort": "total"}).content.decode()
    assert [name for name, _ in grid(by_total)] == ["United Kingdom", "Ireland", "Nepal"]
    assert 'aria-sort="descending"><a href="?sort=total">All' in by_total
    by_policy = client.get("/countries/", {"sort": "policy", "pillar": "policy"})
    assert [name for name, _ in grid(by_policy.content.decode())] == [
        "Nepal",
        "United Kingdom",
        "Ireland",
    ]


def test_the_home_page_shows_the_small_map_after_the_search_box(client, spread):
    html = client.get("/").content.decode()
    assert html.index('role="search"') < html.index("<svg viewBox") < html.index('id="pillars"')
    assert ("/countries/gb/", "United Kingdom: 2 organisations", "2") in map_links(html)
    assert "pillar-switch" not in html


def test_a_country_page_draws_a_bar_for_each_pillar_worked_on(client, spread):
    html = client.get("/countries/gb/").content.decode()
    bars = re.findall(r'<li class="pillar-(\w+)[^"]*">.*?(?:<rect width="(\d+)"|</li>)', html, re.S)
    assert bars == [("intelligence", ""), ("education", "50"), ("policy", "50"), ("recovery", "50")]
    assert "none listed — a gap" in html
