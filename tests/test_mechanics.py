"""Mechanics of issue 16: the admin's filters and waiting queue, years active when a founding
year is unknown, field borders that can be seen, and the comparison's ticks and crosses."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.timezone import now

from orgs.models import Assessment, LinkCheck, Organisation

from .factories import CorrectionFactory, OrganisationFactory, OrganisationSuggestionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orgs_organisation_changelist")


def test_the_admin_headquarters_filter_shows_country_names(admin_client, organisation):
    OrganisationFactory(name="Kathmandu Shelter", hq_country="NP")
    html = admin_client.get(CHANGELIST).content.decode()
    filters = re.search(r"data-filter-title=\"headquarters\".*?</details>", html, re.S)
    assert filters, "no headquarters filter"
    choices = re.findall(r'<a href="\?hq_country=(\w+)">\s*([^<]+?)\s*</a>', filters.group())
    assert choices == [("NP", "Nepal"), ("GB", "United Kingdom")]
    filtered = admin_client.get(CHANGELIST, {"hq_country": "NP"}).content.decode()
    assert "Kathmandu Shelter" in filtered and "Harbour Trust" not in filtered


def test_the_admin_pillar_filter_has_no_stray_dash_choice(admin_client, organisation):
    html = admin_client.get(CHANGELIST).content.decode()
    pillars = re.search(r'data-filter-title="pillars".*?</details>', html, re.S).group()
    labels = re.findall(r"<a [^>]*>\s*([^<]+?)\s*</a>", pillars)
    assert labels == ["All", "Intelligence", "Education", "Policy", "Recovery"]


def test_the_admin_index_says_how_many_suggestions_corrections_and_broken_links_wait(
    admin_client, organisation
):
    OrganisationSuggestionFactory.create_batch(2)
    CorrectionFactory(organisation=organisation)
    decided = CorrectionFactory(organisation=organisation)
    decided.reject()
    LinkCheck.objects.create(url="https://gone.example.org/", status_code=404, checked_at=now())
    LinkCheck.objects.create(url="https://fine.example.org/", status_code=200, checked_at=now())
    html = admin_client.get(reverse("admin:index")).content.decode()
    waiting = re.search(r'<div class="module" id="waiting">.*?</div>', html, re.S).group()
    assert re.findall(r'<a href="([^"]+)">(\d+) ([^<]+)</a>', waiting) == [
        ("/admin/orgs/organisationsuggestion/?status__exact=new", "2", "suggested organisations"),
        ("/admin/orgs/correction/?status__exact=new", "1", "corrections"),
        ("/admin/orgs/brokenlink/", "1", "broken or moved links"),
    ]


def test_an_unknown_founding_year_with_long_standing_work_shown_counts_as_five_years(
    vocabulary, client
):
    OrganisationFactory(name="Shown", founded=None, criteria_met=["long-standing"])
    OrganisationFactory(name="Not shown", founded=None)
    OrganisationFactory(name="Founded 2000", founded=2000)
    published = Organisation.objects.published()
    names = lambda years: sorted(o.name for o in published.active_for_at_least(years))  # noqa: E731
    assert names(5) == ["Founded 2000", "Shown"]
    assert names(3) == ["Founded 2000", "Shown"]
    # More than the criterion shows is not claimed for it.
    assert names(6) == ["Founded 2000"]
    response = client.get("/organisations/", {"min_years": 5})
    assert sorted(o.name for o in response.context["object_list"]) == ["Founded 2000", "Shown"]
    assert "evidence of long-standing work counts as 5 years" in response.content.decode()


def test_long_standing_work_without_evidence_does_not_count(vocabulary):
    shown = OrganisationFactory(name="Shown", founded=None, criteria_met=["long-standing"])
    Assessment.objects.filter(organisation=shown).update(evidence_url="")
    assert not Organisation.objects.published().active_for_at_least(5).exists()


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_field_borders_stand_out_from_the_page_by_at_least_3_to_1_in_both_schemes():
    css = (settings.BASE_DIR / "orgs/static/orgs/pillars.css").read_text()
    schemes = re.findall(r":root \{([^}]*)\}", css)
    assert len(schemes) == 2  # light, then dark
    for scheme in schemes:
        colours = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", scheme))
        assert contrast(colours["field"], colours["paper"]) >= 3, colours
    assert re.search(r"input, select, button \{[^}]*border: 1px solid var\(--field\)", css)
    assert re.search(r"textarea \{[^}]*border: 1px solid var\(--field\)", css)
