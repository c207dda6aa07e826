"""Country coverage pages, the guide, and what makes pages findable and shareable: canonical
links, OpenGraph and description meta, JSON-LD on profiles, the sitemap and robots.txt."""

import json
import re

import pytest
from django.urls import reverse

from orgs.models import Organisation

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_countries_lists_every_country_with_published_organisations_and_counts(
    client, organisation, draft
):
    OrganisationFactory(name="Kathmandu Shelter", countries=["NP", "IE"])
    OrganisationFactory(name="Hidden", status=Organisation.Status.DRAFT, countries=["FR"])
    html = client.get("/countries/").content.decode()
    assert re.findall(
        r'<th scope="row"><a href="/countries/(\w\w)/">([^<]+)</a></th>\s*<td><a [^>]*>(\d+)<',
        html,
    ) == [
        ("ie", "Ireland", "2"),
        ("np", "Nepal", "1"),
        ("gb", "United Kingdom", "1"),
    ]
    assert "France" not in html


def test_a_country_page_shows_who_works_there_and_which_pillars_are_gaps(client, organisation):
    OrganisationFactory(name="Policy Watch", pillars=["policy"], countries=["GB"])
    OrganisationFactory(name="Elsewhere", pillars=["intelligence"], countries=["FR"])
    response = client.get("/countries/gb/")
    html = response.content.decode()
    assert response.status_code == 200
    assert [o.name for o in response.context["organisations"]] == ["Harbour Trust", "Policy Watch"]
    counts = {p.slug: p.organisation_count for p in response.context["coverage"]}
    assert counts == {"intelligence": 0, "education": 1, "policy": 1, "recovery": 1}
    assert "none listed — a gap" in html
    assert "No listed organisation works on intelligence here." in html
    assert 'href="/organisations/?country=GB&amp;pillar=recovery">1 organisation<' in html


def test_country_codes_in_capitals_redirect_and_unknown_ones_are_404(client, db):
    response = client.get("/countries/GB/")
    assert response.status_code == 301 and response["Location"] == "/countries/gb/"
    for code in ["zz", "xyz", "g", "%00%00"]:
        assert client.get(f"/countries/{code}/").status_code == 404, code


def test_country_page_bad_page_numbers_fall_back_to_a_real_page(client, organisation):
    for page in ["0", "-1", "abc", "999"]:
        assert client.get("/countries/gb/", {"page": page}).status_code == 200


def test_the_guide_explains_how_to_choose(client, db):
    html = client.get(reverse("orgs:guide")).content.decode()
    for heading in [
        "Why four pillars",
        "Why long-term work and local partners matter",
        "Why one-off “rescues” can do harm",
        "Questions to ask before you give",
    ]:
        assert heading in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/organisations/",
        "/organisations/harbour-trust/",
        "/pillars/recovery/",
        "/countries/",
        "/countries/gb/",
        "/guide/",
        "/methodology/",
        "/suggest/",
    ],
)
def test_every_page_has_a_canonical_url_description_and_opengraph(client, organisation, path):
    html = client.get(path, {"utm_source": "x"}).content.decode()
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert f'<meta property="og:url" content="http://testserver{path}">' in html
    for name in ['name="description"', 'property="og:title"', 'property="og:description"']:
        content = re.search(rf'<meta {name} content="([^"]*)"', html)
        assert content and content.group(1).strip(), name


def test_canonical_urls_use_the_configured_site_address(client, settings, organisation):
    settings.SITE_URL = "https://pillars.example.org"
    html = client.get("/guide/").content.decode()
    assert '<link rel="canonical" href="https://pillars.example.org/guide/">' in html


def test_a_profile_describes_the_organisation_in_json_ld(client, organisation):
    organisation.registration_regulator = "Charity Commission for England and Wales"
    organisation.registration_number = "1234567"
    organisation.save()
    data = json_ld(client.get(organisation.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NGO"
    assert data["name"] == "Harbour Trust"
    assert data["url"] == "https://harbour-trust.example.org/"
    assert data["foundingDate"] == "1995"
    assert data["address"]["addressCountry"] == "GB"
    assert {c["name"] for c in data["areaServed"]} == {"United Kingdom", "Ireland"}
    assert data["identifier"]["value"] == "1234567"
    assert "email" not in data  # blank facts are left out, not sent empty


def test_json_ld_cannot_be_broken_out_of_by_a_listing(client, vocabulary):
    organisation = OrganisationFactory(name="</script><script>alert(1)</script>", founded=None)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"
    assert "foundingDate" not in json_ld(html)


def test_a_funder_is_an_organization_not_an_ngo(client, vocabulary):
    funder = OrganisationFactory(organisation_type="funder")
    assert (
        json_ld(client.get(funder.get_absolute_url()).content.decode())["@type"] == "Organization"
    )


def test_the_sitemap_lists_every_public_page_and_no_draft(client, organisation, draft, archived):
    xml = client.get("/sitemap.xml").content.decode()
    locations = set(re.findall(r"<loc>https?://testserver([^<]*)</loc>", xml))
    assert {
        "/",
        "/organisations/",
        "/organisations/harbour-trust/",
        "/pillars/recovery/",
        "/countries/",
        "/countries/gb/",
        "/countries/ie/",
        "/guide/",
        "/methodology/",
    } <= locations
    assert "/organisations/hidden-draft/" not in locations
    assert "/organisations/old-archive/" not in locations


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
