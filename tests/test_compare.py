"""Comparing listings side by side: chosen with tick boxes on the results, shown as one table
whose address can be shared; whatever the address holds, a page that says what it left out."""

import re

import pytest
from django.urls import reverse

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

COMPARE = reverse("orgs:compare")


def compared(html):
    """The names heading the table's columns, in order."""
    head = html.split("<thead>")[1].split("</thead>")[0]
    return re.findall(r'<th scope="col">\s*<a href="[^"]+">([^<]+)</a>', head)


def row(html, label):
    """The cells of the table row headed ``label``, as text."""
    header = rf'<th scope="row">(?:<a [^>]+>)?{re.escape(label)}.*?</th>'
    cells = re.search(rf"<tr>\s*{header}(.*?)</tr>", html, re.DOTALL)[1]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.DOTALL)
    ]


@pytest.fixture
def other(vocabulary):
    return OrganisationFactory(
        name="Ledger Watch",
        slug="ledger-watch",
        founded=None,
        hq_country="",
        pillars=["intelligence", "policy"],
        registration_number="1158838",
        criteria_met=["long-standing"],
    )


def test_two_listings_are_compared_side_by_side_in_the_order_chosen(client, organisation, other):
    response = client.get(COMPARE, {"o": ["ledger-watch", "harbour-trust"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert compared(html) == ["Ledger Watch", "Harbour Trust"]
    # A tick or a cross, with the word for screen readers and for anyone who misreads them.
    assert row(html, "Intelligence") == ["✓ Yes", "✗ No"]
    assert row(html, "Recovery") == ["✗ No", "✓ Yes"]
    assert row(html, "Founded")[0] == "Not known"
    assert row(html, "Founded")[1].startswith("1995 (")
    assert row(html, "Headquarters") == ["Not known", "United Kingdom"]
    assert row(html, "Works in") == ["Not known", "United Kingdom, Ireland"]
    assert row(html, "Registration") == ["Number 1158838", "Not known"]
    assert row(html, "Long-standing work")[0].startswith("✓ Met")
    assert row(html, "Long-standing work")[1] == "? Not yet known"
    assert 'href="https://harbour-trust.example.org/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_results_offer_a_tick_box_per_listing_for_the_comparison(client, organisation, other):
    html = client.get(reverse("orgs:list")).content.decode()
    assert f'<form id="compare-form" class="compare-bar" method="get" action="{COMPARE}">' in html
    for slug in ["harbour-trust", "ledger-watch"]:
        assert f'<input type="checkbox" name="o" value="{slug}" form="compare-form">' in html


@pytest.mark.parametrize("path", ["/pillars/recovery/", "/countries/gb/"])
def test_pillar_and_country_pages_offer_the_tick_boxes_too(client, organisation, vocabulary, path):
    OrganisationFactory(slug="second-harbour", pillars=["recovery"], countries=["GB"])
    html = client.get(path).content.decode()
    assert f'action="{COMPARE}"' in html
    for slug in ["harbour-trust", "second-harbour"]:
        assert f'<input type="checkbox" name="o" value="{slug}" form="compare-form">' in html


def test_a_page_with_a_single_listing_offers_no_comparison(client, organisation):
    html = client.get("/countries/ie/").content.decode()
    assert "Harbour Trust" in html
    assert "compare-form" not in html


def test_one_listing_alone_asks_for_another(client, organisation):
    html = client.get(COMPARE, {"o": "harbour-trust"}).content.decode()
    assert "Choose at least two organisations to compare (so far:" in html
    assert "<table" not in html
    assert "<table" not in client.get(COMPARE).content.decode()


def test_more_than_four_shows_the_first_four_and_says_so(client, vocabulary):
    slugs = [f"listing-{n}" for n in range(5)]
    for slug in slugs:
        OrganisationFactory(slug=slug)
    response = client.get(COMPARE, {"o": slugs})
    html = response.content.decode()
    assert [o.slug for o in response.context["comparison"].organisations] == slugs[:4]
    assert "Up to 4 organisations can be compared at a time" in html

    many = client.get(COMPARE, {"o": [f"x-{n}" for n in range(100)] + slugs}).content.decode()
    assert "Only the first 20 choices were read." in many
    assert many.count("is not a listing in the directory") == 20


def test_unknown_unpublished_and_malformed_choices_are_left_out_with_a_message(
    client, organisation, other, draft
):
    response = client.get(
        COMPARE,
        {"o": ["harbour-trust", "hidden-draft", "<script>x</script>", "a\x00b", "ledger-watch"]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert compared(html) == ["Harbour Trust", "Ledger Watch"]
    assert "Hidden Draft" not in html
    assert "“hidden-draft” is not a listing in the directory" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in html


def test_a_listing_chosen_twice_is_shown_once(client, organisation, other):
    html = client.get(
        COMPARE, {"o": ["harbour-trust", "ledger-watch", "harbour-trust"]}
    ).content.decode()
    assert compared(html) == ["Harbour Trust", "Ledger Watch"]


def test_removing_a_listing_keeps_the_others(client, organisation, other, vocabulary):
    OrganisationFactory(name="Third Way", slug="third-way")
    html = client.get(
        COMPARE, {"o": ["harbour-trust", "ledger-watch", "third-way"]}
    ).content.decode()
    assert f'href="{COMPARE}?o=harbour-trust&amp;o=third-way"' in html
    assert 'aria-label="Remove Ledger Watch from the comparison"' in html


def test_a_profile_offers_to_compare_it_with_its_related_listings(client, organisation, vocabulary):
    for n in range(4):
        OrganisationFactory(slug=f"near-{n}", pillars=["recovery", "education"])
    response = client.get(organisation.get_absolute_url())
    related = [o.slug for o in response.context["related"]]
    assert len(related) == 4
    query = "&amp;".join(f"o={slug}" for slug in ["harbour-trust", *related[:3]])
    assert f'<a href="{COMPARE}?{query}">Compare Harbour Trust with the first three</a>' in (
        response.content.decode()
    )


def test_the_choice_is_kept_in_the_address_from_page_to_page(client, vocabulary, settings):
    settings.ORGS_PAGE_SIZE = 2
    for name in ["Alpha", "Bravo", "Charlie", "Delta"]:
        OrganisationFactory(name=name, slug=name.lower(), pillars=["recovery"])
    first = client.get(reverse("orgs:list"), {"q": "", "pillar": "recovery"}).content.decode()
    # Nothing chosen yet: the bar sits after the results, not over them.
    assert 'class="compare-bar" method="get"' in first
    assert "0 of 4 chosen" in first
    # Ticking on page 1 and going on keeps the choice in the address ("o").
    assert 'formaction="/organisations/" name="page" value="2">Keep these ticked' in first
    assert '<input type="hidden" name="pillar" value="recovery">' in first
    second = client.get(
        reverse("orgs:list"), {"pillar": "recovery", "o": ["alpha", "<bad>"], "page": 2}
    ).content.decode()
    assert 'class="compare-bar is-active"' in second
    assert "1 of 4 chosen" in second
    assert '<input type="hidden" name="o" value="alpha" form="compare-form">' in second
    # On its own page a chosen listing is ticked, not hidden.
    back = client.get(reverse("orgs:list"), {"o": "alpha"}).content.decode()
    assert 'value="alpha" form="compare-form" checked>' in back
    assert '<input type="hidden" name="o" value="alpha" form="compare-form">' not in back
    # The "next page" button shares the compare form: the comparison's address drops the rest.
    response = client.get(COMPARE, {"o": ["alpha", "delta"], "pillar": "recovery", "q": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{COMPARE}?o=alpha&o=delta"


def test_the_compare_script_is_an_enhancement_from_this_site(client, organisation, other):
    html = client.get(reverse("orgs:list")).content.decode()
    assert '<script src="/static/orgs/compare.js" defer></script>' in html
