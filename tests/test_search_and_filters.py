"""/organisations/: text search, every filter alone and combined, sorting, pagination and the
removable active filters."""

import re
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.utils import timezone

from orgs.models import Organisation

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(vocabulary):
    """Four organisations that differ in every filtered respect."""
    year = timezone.now().year
    harbour = OrganisationFactory(
        name="Harbour Trust",
        summary="Safe houses for survivors.",
        founded=year - 30,
        hq_country="GB",
        pillars=["recovery"],
        countries=["GB"],
        organisation_type="charity-ngo",
        last_reviewed_on=timezone.localdate().replace(month=1, day=1),
    )
    harbour.populations.set(harbour.populations.model.objects.filter(slug="survivors"))
    lens = OrganisationFactory(
        name="Lens Data Lab",
        summary="Maps recruitment networks.",
        description="Analyses supply chains for forced labour.",
        founded=year - 8,
        hq_country="US",
        pillars=["intelligence", "policy"],
        countries=["US", "MX"],
        organisation_type="research-body",
    )
    lens.exploitation_forms.set(lens.exploitation_forms.model.objects.filter(slug="forced-labour"))
    chalk = OrganisationFactory(
        name="Chalkboard",
        summary="Teaches schools the signs.",
        tags="schools, online grooming",
        founded=year - 3,
        hq_country="KE",
        pillars=["education"],
        countries=["KE", "UG"],
        organisation_type="charity-ngo",
    )
    chalk.exploitation_forms.set(
        chalk.exploitation_forms.model.objects.filter(slug="child-exploitation")
    )
    anchor = OrganisationFactory(
        name="Anchor Network",
        summary="A coalition pressing for safe-haven laws.",
        founded=None,
        hq_country="GB",
        pillars=["policy", "recovery"],
        countries=["GB", "KE"],
        organisation_type="network-coalition",
    )
    return {"harbour": harbour, "lens": lens, "chalk": chalk, "anchor": anchor}


def names(response):
    return [o.name for o in response.context["object_list"]]


def test_without_parameters_every_published_organisation_is_listed_by_name(client, directory):
    response = client.get("/organisations/")
    assert names(response) == ["Anchor Network", "Chalkboard", "Harbour Trust", "Lens Data Lab"]
    assert "4 organisations" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=harbour", ["Harbour Trust"]),  # name
        ("q=RECRUITMENT", ["Lens Data Lab"]),  # summary, any case
        ("q=supply+chains", ["Lens Data Lab"]),  # description, every word
        ("q=grooming", ["Chalkboard"]),  # tags
        ("q=education", ["Chalkboard"]),  # pillar name
        ("pillar=recovery", ["Anchor Network", "Harbour Trust"]),
        ("pillar=recovery&pillar=education", ["Anchor Network", "Chalkboard", "Harbour Trust"]),
        ("country=KE", ["Anchor Network", "Chalkboard"]),
        ("country=MX&country=UG", ["Chalkboard", "Lens Data Lab"]),
        ("hq=GB", ["Anchor Network", "Harbour Trust"]),
        ("hq=gb&country=ke", ["Anchor Network"]),  # codes typed in lower case
        ("exploitation=forced-labour", ["Lens Data Lab"]),
        ("population=survivors", ["Harbour Trust"]),
        ("type=research-body&type=network-coalition", ["Anchor Network", "Lens Data Lab"]),
        ("min_years=5", ["Harbour Trust", "Lens Data Lab"]),
        ("min_years=0", ["Chalkboard", "Harbour Trust", "Lens Data Lab"]),
        ("pillar=recovery&hq=GB&min_years=10", ["Harbour Trust"]),
        ("pillar=policy&country=KE", ["Anchor Network"]),
        ("q=network&pillar=intelligence", ["Lens Data Lab"]),
    ],
)
def test_filters_narrow_the_results(client, directory, query, expected):
    assert sorted(names(client.get(f"/organisations/?{query}"))) == expected


def test_an_organisation_matching_several_filter_values_is_listed_once(client, directory):
    response = client.get("/organisations/?pillar=policy&pillar=recovery&country=GB&country=KE")
    assert names(response) == ["Anchor Network", "Harbour Trust"]
    assert response.context["paginator"].count == 2


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Anchor Network", "Chalkboard", "Harbour Trust", "Lens Data Lab"]),
        ("founded", ["Harbour Trust", "Lens Data Lab", "Chalkboard", "Anchor Network"]),
        ("reviewed", ["Anchor Network", "Chalkboard", "Lens Data Lab", "Harbour Trust"]),
    ],
)
def test_sorting(client, directory, sort, expected):
    assert names(client.get(f"/organisations/?sort={sort}")) == expected


@pytest.mark.parametrize("sort", ["name", "founded", "reviewed"])
def test_a_search_sorted_otherwise_lists_the_same_matches(client, directory, sort):
    OrganisationFactory(name="Bridge", summary="Works with the Harbour Trust in Leeds.")
    ranked = names(client.get("/organisations/?q=harbour+trust"))
    sorted_otherwise = names(client.get(f"/organisations/?q=harbour+trust&sort={sort}"))
    assert sorted(sorted_otherwise) == sorted(ranked) == ["Bridge", "Harbour Trust"]


def test_relevance_puts_a_name_match_first(client, directory):
    OrganisationFactory(name="Bridge", summary="Works with the Harbour Trust in Leeds.")
    response = client.get("/organisations/?q=harbour+trust")
    assert names(response) == ["Harbour Trust", "Bridge"]


def test_active_filters_can_be_removed_one_by_one(client, directory):
    response = client.get("/organisations/?pillar=policy&pillar=recovery&hq=GB&page=1")
    active = {
        f"{a['label']}: {a['value']}": a["query"]
        for a in response.context["filter"].active_filters()
    }
    assert active == {
        "Pillar: Policy": "pillar=recovery&hq=GB",
        "Pillar: Recovery": "pillar=policy&hq=GB",
        "Headquarters: United Kingdom": "pillar=policy&pillar=recovery",
    }
    html = response.content.decode()
    assert 'href="?pillar=recovery&amp;hq=GB"' in html
    assert "Clear all" in html


def test_pagination_keeps_the_filters(client, directory, settings):
    settings.ORGS_PAGE_SIZE = 2
    OrganisationFactory.create_batch(3, pillars=["recovery"])
    response = client.get("/organisations/?pillar=recovery")
    html = response.content.decode()
    assert len(response.context["object_list"]) == 2
    assert 'href="?pillar=recovery&amp;page=2"' in html
    second = client.get("/organisations/?pillar=recovery&page=2")
    assert len(second.context["object_list"]) == 2
    assert 'href="?pillar=recovery&amp;page=3"' in second.content.decode()
    assert 'href="?pillar=recovery&amp;page=1"' in second.content.decode()


def test_filter_form_shows_the_current_choices_so_back_and_share_work(client, directory):
    html = client.get("/organisations/?q=lab&pillar=policy&sort=founded").content.decode()
    assert 'value="lab"' in html
    assert re.search(r'<input type="checkbox" name="pillar" value="policy"[^>]* checked>', html)
    assert not re.search(
        r'<input type="checkbox" name="pillar" value="recovery"[^>]* checked>', html
    )
    assert '<option value="founded" selected>' in html


def test_empty_result_helps_the_visitor(client, directory):
    html = client.get("/organisations/?q=zebra").content.decode()
    assert "0 organisations" in html
    assert "No organisation matches all of that" in html
    assert 'href="/pillars/recovery/"' in html


def test_drafts_never_match_a_search(client, directory):
    OrganisationFactory(name="Harbour Draft", status=Organisation.Status.DRAFT)
    assert names(client.get("/organisations/?q=harbour")) == ["Harbour Trust"]


def test_sorting_by_name_ignores_capitals(client, vocabulary):
    for name in ["ASTRA", "Anti-Slavery", "beacon", "Zenith"]:
        OrganisationFactory(name=name, slug=name.lower(), countries=["GB"])
    response = client.get("/organisations/", {"sort": "name"})
    assert [o.name for o in response.context["page_obj"]] == [
        "Anti-Slavery",
        "ASTRA",
        "beacon",
        "Zenith",
    ]
    in_country = client.get("/countries/gb/").context["organisations"]
    assert [o.name for o in in_country] == ["Anti-Slavery", "ASTRA", "beacon", "Zenith"]


def tick_boxes(html, name):
    """The ``(value, ticked)`` of each tick box called ``name``, in the page's order."""
    boxes = re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"([^>]*)>', html)
    return [(value, " checked" in rest) for value, rest in boxes]


class SearchForm(HTMLParser):
    """What a browser without JavaScript sends from the search form: its named fields, the
    ticked boxes only, each select's chosen option."""

    def __init__(self, html):
        super().__init__()
        self.action, self.fields, self.select, self.in_form = None, [], None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "filters" in (attrs.get("class") or ""):
            self.in_form, self.action = True, attrs["action"]
        elif not self.in_form or "disabled" in attrs:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and "selected" in attrs:
            self.fields.append((self.select, attrs["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False

    def tick(self, name, value):
        self.fields.append((name, value))

    def send(self, client):
        query = QueryDict(mutable=True)
        for name, value in self.fields:
            query.appendlist(name, value)
        return client.get(f"{self.action}?{query.urlencode()}")


def test_the_country_filters_are_tick_boxes_that_work_without_javascript(client, directory):
    form = SearchForm(client.get("/organisations/").content.decode())
    assert form.action == "/organisations/"
    form.tick("country", "KE")
    form.tick("country", "MX")
    form.tick("hq", "KE")
    form.tick("hq", "US")
    response = form.send(client)
    assert names(response) == ["Chalkboard", "Lens Data Lab"]
    html = response.content.decode()
    assert not response.context["filter"].problems
    # The form comes back as it was sent, so that ticking one more box keeps the others.
    again = SearchForm(html)
    again.tick("hq", "GB")
    assert names(again.send(client)) == ["Anchor Network", "Chalkboard", "Lens Data Lab"]


def test_the_chosen_countries_come_first_then_the_others_by_name(client, directory):
    html = client.get("/organisations/?country=UG&country=KE").content.decode()
    # Kenya and Uganda chosen (by name), then every other country with results.
    assert tick_boxes(html, "country") == [
        ("KE", True),
        ("UG", True),
        ("MX", False),
        ("GB", False),
        ("US", False),
    ]
    html = client.get("/organisations/?hq=US").content.decode()
    assert tick_boxes(html, "hq") == [("US", True), ("KE", False), ("GB", False)]
    unfiltered = client.get("/organisations/").content.decode()
    assert [value for value, _ in tick_boxes(unfiltered, "hq")] == ["KE", "GB", "US"]


def test_each_country_filter_is_a_fieldset_named_by_its_legend(client, directory):
    html = client.get("/organisations/").content.decode()
    for legend, name in [("Works in", "country"), ("Headquarters", "hq")]:
        fieldset = re.search(rf"<legend[^>]*>{legend}</legend>(.*?)</fieldset>", html, re.S)
        assert fieldset, legend
        assert 'class="choices"' in fieldset.group(1)
        assert f'name="{name}"' in fieldset.group(1)
    assert not re.search(r'<select[^>]*name="(country|hq)"', html)  # no list box


def country_folds(html):
    """Each country list's fold: (its summary, whether it starts open)."""
    return [
        (summary, "open" in attributes)
        for attributes, summary in re.findall(
            r'<details class="facet-fold"([^>]*)>\s*<summary>(.*?)</summary>', html
        )
    ]


def test_each_country_list_is_folded_until_a_country_in_it_is_chosen(client, directory):
    # Folded, Tab passes some 170 tick boxes in two steps; the summary says what is chosen.
    html = client.get("/organisations/").content.decode()
    assert country_folds(html) == [("Works in", False), ("Headquarters", False)]
    html = client.get("/organisations/?country=KE&country=UG").content.decode()
    assert country_folds(html) == [("Works in · 2 chosen", True), ("Headquarters", False)]
    html = client.get("/organisations/?hq=US").content.decode()
    assert country_folds(html) == [("Works in", False), ("Headquarters · 1 chosen", True)]


def test_an_empty_headquarters_value_from_an_old_link_means_any_country(client, directory):
    response = client.get("/organisations/?hq=&country=KE")
    assert names(response) == ["Anchor Network", "Chalkboard"]
    assert not response.context["filter"].problems
