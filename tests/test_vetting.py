"""What a donor sees of the vetting (issue 14): sources by kind, named by title and site;
curator notes never public; every card and profile sums the vetting up; the methodology page
counts the whole directory."""

from datetime import date

import pytest
from django.urls import reverse

from orgs.models import Assessment, Criterion, Organisation, Source

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CURATOR_NOTE = "gives conflicting founding years - reason founding year left blank"


def assess(organisation, slug, result, **fields):
    evidence = {} if result == "unknown" else {"evidence_url": "https://e.example.org/"}
    return Assessment.objects.create(
        organisation=organisation,
        criterion=Criterion.objects.get(slug=slug),
        result=result,
        checked_on=None if result == "unknown" else date(2026, 11, 1),
        **evidence,
        **fields,
    )


def test_profile_names_sources_by_title_and_site_best_kinds_first(client, organisation):
    organisation.sources.all().delete()
    for url, kind, title in [
        ("https://mirror.example.net/wiki/Harbour_Trust", "copy", ""),
        ("https://news.example.com/2020/05/harbour-trust-at-25", "press", "Harbour at 25"),
        ("https://www.harbour.example.org/about-us/history", "own-site", ""),
        ("https://register.example.gov.uk/charity/123", "register", "Register entry 123"),
    ]:
        Source.objects.create(
            organisation=organisation, url=url, kind=kind, title=title, supports="founding"
        )
    html = client.get(organisation.get_absolute_url()).text
    sources = html[html.index('id="sources"') :]
    order = [
        "about-us › history",
        "Register entry 123",
        "Harbour at 25",
        "wiki › Harbour_Trust",
    ]
    assert [sources.index(text) for text in order] == sorted(sources.index(t) for t in order)
    assert "harbour.example.org" in sources  # the site, without "www."
    assert "<strong>Copy of another site</strong>" in sources
    # The address is the link, never its text.
    assert ">https://" not in sources


def test_curator_notes_are_never_public(client, organisation, settings):
    organisation.curator_note = CURATOR_NOTE
    organisation.save()
    assess(organisation, "registered", "unknown", curator_note=CURATOR_NOTE + " (assessment)")
    for url in [
        organisation.get_absolute_url(),
        reverse("orgs:list"),
        reverse("orgs:compare") + f"?o={organisation.slug}&o={organisation.slug}",
        "/sitemap.xml",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "conflicting founding" not in response.text, url


def test_curators_see_and_edit_both_curator_notes_in_the_admin(admin_client, organisation):
    assess(organisation, "registered", "unknown", curator_note="Searched the register.")
    url = reverse("admin:orgs_organisation_change", args=[organisation.pk])
    html = admin_client.get(url).text
    assert 'name="curator_note"' in html
    assert "Searched the register." in html
    assert 'name="assessments-0-curator_note"' in html


def test_vetting_summary_is_honest_about_what_is_not_known(organisation):
    assert Criterion.objects.count() == 5
    assess(organisation, "long-standing", "met")
    assess(organisation, "registered", "met")
    assess(organisation, "publishes-accounts", "not-met")
    assess(organisation, "local-partners", "unknown")
    assert organisation.vetting_summary == "2 of 5 criteria met, 1 not met, 2 not yet known"
    annotated = Organisation.objects.with_vetting_counts().get(pk=organisation.pk)
    assert annotated.vetting_counts == (2, 1, 2, 5)
    for slug in ["publishes-accounts", "local-partners", "survivor-centred"]:
        Assessment.objects.update_or_create(
            organisation=organisation,
            criterion=Criterion.objects.get(slug=slug),
            defaults={"result": "met", "evidence_url": "https://e.example.org/"},
        )
    annotated = Organisation.objects.with_vetting_counts().get(pk=organisation.pk)
    assert annotated.vetting_summary == "5 of 5 criteria met"


def test_every_card_and_profile_shows_the_vetting_at_a_glance(client, organisation):
    organisation.last_reviewed_on = date(2026, 11, 3)
    organisation.save()
    assess(organisation, "long-standing", "met")
    assess(organisation, "publishes-accounts", "not-met")
    other = OrganisationFactory(pillars=["recovery"], last_reviewed_on=None)
    glance = "1 of 5 criteria met, 1 not met, 3 not yet known</a> · reviewed"
    for url in [
        reverse("orgs:list"),
        reverse("orgs:pillar", args=["recovery"]),
        reverse("orgs:country", args=["gb"]),
        organisation.get_absolute_url(),
        other.get_absolute_url(),  # Harbour Trust among the related organisations
    ]:
        html = client.get(url).text
        assert glance in html, url
        assert '<time datetime="2026-11-03">Nov 2026</time>' in html, url
    html = client.get(reverse("orgs:list")).text
    assert "0 of 5 criteria met, 5 not yet known</a> · not yet reviewed" in html


def test_a_cached_results_page_shows_a_changed_assessment(client, organisation, committed):
    client.get(reverse("orgs:list"))
    with committed():
        assess(organisation, "long-standing", "met")
    assert "1 of 5 criteria met" in client.get(reverse("orgs:list")).text


def test_profile_offers_donate_and_volunteer_only_when_the_links_exist(
    client, organisation, committed
):
    html = client.get(organisation.get_absolute_url()).text
    assert ">Donate<" not in html
    assert ">Volunteer<" not in html
    organisation.donate_url = "https://harbour.example.org/give"
    organisation.volunteer_url = "https://harbour.example.org/help"
    with committed():
        organisation.save()
    html = client.get(organisation.get_absolute_url()).text
    assert 'href="https://harbour.example.org/give" rel="noopener external">Donate<' in html
    assert 'href="https://harbour.example.org/help" rel="noopener external">Volunteer<' in html


def test_methodology_counts_the_published_directorys_assessments(client, organisation, draft):
    assess(organisation, "long-standing", "met")
    assess(organisation, "registered", "met")
    assess(organisation, "publishes-accounts", "not-met")
    assess(organisation, "local-partners", "unknown")
    assess(draft, "registered", "met")  # not published: not counted
    OrganisationFactory()  # published, nothing assessed
    html = client.get(reverse("orgs:methodology")).text
    assert (
        "Across the 2 published listings and 5 criteria (10 assessments): "
        "<strong>2 met</strong>, <strong>1 not met</strong> and "
        "<strong>7 not yet known</strong>."
    ) in html
