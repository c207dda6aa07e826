"""Every public page: what a visitor sees, and that drafts and archived listings never show."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_home_page_explains_pillars_and_counts_published_organisations(client, organisation, draft):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "slow work that ends trafficking" in html
    assert 'action="/organisations/"' in html
    pillars = [(p.slug, p.organisation_count) for p in response.context["pillars"]]
    assert pillars == [("intelligence", 0), ("education", 1), ("policy", 0), ("recovery", 1)]
    assert 'href="/organisations/?pillar=recovery">1 organisation<' in html


def test_listing_shows_only_published_organisations(client, organisation, draft, archived):
    response = client.get("/organisations/")
    html = response.content.decode()
    assert "Harbour Trust" in html
    assert "Hidden Draft" not in html
    assert "Old Archive" not in html
    assert "1 organisation<" in html


def test_profile_shows_every_public_fact_and_its_sources(client, organisation):
    organisation.registration_regulator = "Charity Commission for England and Wales"
    organisation.registration_number = "1234567"
    organisation.email = "hello@harbour.example.org"
    organisation.helpline_name = "Harbour Line"
    organisation.helpline_phone = "0800 000 000"
    organisation.donate_url = "https://harbour.example.org/give"
    organisation.save()
    response = client.get(reverse("orgs:detail", args=["harbour-trust"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Harbour Trust",
        "Runs safe houses",
        "1995",
        "United Kingdom",
        "Ireland",
        "Recovery",
        "Education",
        "number 1234567",
        "hello@harbour.example.org",
        "Harbour Line",
        "https://harbour-trust.example.org/about",
        "Last reviewed on",
        "safe houses",
    ]:
        assert text in html, text
    assert (
        '<a class="button" href="https://harbour.example.org/give" rel="noopener external">' in html
    )


def test_every_outbound_link_on_a_profile_opens_safely(client, organisation):
    html = client.get(organisation.get_absolute_url()).content.decode()
    outbound = re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', html)
    assert outbound
    assert all("noopener" in link for link in outbound)


def test_profile_lists_related_organisations(client, organisation):
    OrganisationFactory(name="Neighbour Project", pillars=["recovery"])
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Related organisations" in html
    assert "Neighbour Project" in html


def test_draft_profile_is_404(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_archived_profile_is_404(client, archived):
    assert client.get(archived.get_absolute_url()).status_code == 404


def test_pillar_page_explains_the_pillar_and_lists_its_organisations(client, organisation, draft):
    draft.pillars.set(organisation.pillars.all())
    response = client.get(reverse("orgs:pillar", args=["recovery"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Long-term support" in html
    assert "Harbour Trust" in html
    assert "Hidden Draft" not in html


def test_unknown_pillar_is_404(client, vocabulary):
    assert client.get("/pillars/rescue/").status_code == 404


def test_not_found_page_is_friendly(client, vocabulary):
    response = client.get("/organisations/no-such-organisation/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert 'href="/organisations/"' in response.content.decode()


def test_server_error_page_is_friendly(vocabulary, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
