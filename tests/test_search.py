"""Search, the same on SQLite and PostgreSQL: syntax, synonyms, accents, ranking, the index
kept up to date by the database, countries in queries, snippets, spelling suggestions and
facet counts. Hostile input never raises."""

import pytest

from orgs.models import ExploitationForm, Organisation, Pillar, Population
from orgs.search import postgres
from orgs.search.query import fold
from orgs.search.spelling import suggest
from orgs.templatetags import search_tags

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def found(text):
    return [o.name for o in Organisation.objects.published().search(text).by_relevance()]


def matched(text):
    return sorted(Organisation.objects.published().matching(text).values_list("name", flat=True))


@pytest.fixture
def library(vocabulary):
    OrganisationFactory(
        name="Field Watch",
        summary="Audits farms for forced labour in cocoa supply chains.",
        hq_country="GH",
        countries=["GH"],
    )
    OrganisationFactory(
        name="Harbour House",
        summary="Safe houses and counselling for survivors of trafficking.",
        hq_country="GB",
        pillars=["recovery"],
    )
    OrganisationFactory(
        name="Open Door",
        summary="Legal advice for migrant domestic workers.",
        description="Founded by an émigré lawyer; campaigns against modern slavery.",
        hq_country="GB",
        countries=["GB", "PH"],
    )
    OrganisationFactory(
        name="Raid Free",
        summary="Works with police on rescues and long-term aftercare.",
        hq_country="US",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cocoa", ["Field Watch"]),
        ("COCOA farms", ["Field Watch"]),
        ('"domestic workers"', ["Open Door"]),
        ('"workers domestic"', []),
        ("cocoa or counselling", ["Field Watch", "Harbour House"]),
        ("survivors -counselling", []),
        ('aftercare -"safe houses"', ["Raid Free"]),
        ("-cocoa", ["Harbour House", "Open Door", "Raid Free"]),
    ],
)
def test_web_search_syntax(library, text, expected):
    assert matched(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("labor", ["Field Watch"]),  # American spelling finds British
        ("labour exploitation", ["Field Watch"]),  # ≈ forced labour
        ("human trafficking", ["Open Door"]),  # ≈ modern slavery
        ("victims", ["Harbour House"]),  # ≈ survivors
        ("hotline", []),
    ],
)
def test_synonyms_widen_a_search(library, text, expected):
    assert matched(text) == expected


@pytest.mark.parametrize("text", ["emigre", "ÉMIGRÉ", "émigré"])
def test_accents_do_not_matter(library, text):
    assert matched(text) == ["Open Door"]


def test_stemming_matches_other_forms_of_a_word(library):
    assert matched("audit") == ["Field Watch"]
    assert matched("campaigning") == ["Open Door"]


def test_pillar_names_are_searchable(library):
    assert matched("recovery") == ["Harbour House"]


def test_an_exact_name_match_comes_first(library):
    OrganisationFactory(
        name="Survivor Voices",
        summary="Survivors of trafficking lead this group; survivors speak for survivors.",
    )
    OrganisationFactory(name="Survivors", summary="A small group.")
    assert found("survivors")[0] == "Survivors"


def test_a_name_match_outranks_a_description_match(library):
    OrganisationFactory(name="Cocoa Watch", summary="Monitors farms.")
    OrganisationFactory(name="Other", summary="Advice.", description="Once studied cocoa.")
    results = found("cocoa")
    assert results.index("Cocoa Watch") < results.index("Other")


def test_every_match_is_listed_once_beyond_the_best_ranked_ones(library, monkeypatch):
    # PostgreSQL ranks finely only the first CANDIDATES matches; the rest must still follow.
    monkeypatch.setattr(postgres, "CANDIDATES", 2)
    for n in range(5):
        OrganisationFactory(name=f"Cocoa Group {n}", summary="Cocoa farms. " * (n + 1))
    listed = found("cocoa")
    assert sorted(listed) == sorted(set(listed))
    assert {f"Cocoa Group {n}" for n in range(5)} <= set(listed)


def test_a_country_in_the_query_limits_results_to_where_organisations_work(library):
    assert matched("survivors UK") == ["Harbour House"]
    assert matched("domestic workers Philippines") == ["Open Door"]
    assert matched("Ghana") == ["Field Watch"]


def test_index_follows_edits_made_anywhere(library):
    house = Organisation.objects.get(name="Harbour House")
    house.summary = "Shelter and psychotherapy."
    house.save()
    assert matched("psychotherapy") == ["Harbour House"]
    assert matched("counselling") == []
    house.pillars.add(Pillar.objects.get(slug="policy"))
    assert matched("policy") == ["Harbour House"]
    Pillar.objects.filter(slug="policy").update(name="Lawmaking")
    Pillar.objects.get(slug="policy").save()  # a rename through the ORM, as the admin does
    assert matched("lawmaking") == ["Harbour House"]
    house.delete()
    assert matched("psychotherapy") == []


def test_unpublished_listings_are_never_found(library):
    Organisation.objects.filter(name="Field Watch").update(status="draft")
    assert matched("cocoa") == []
    assert found("cocoa") == []


HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "NEAR(a b)",
    "a AND OR NOT b",
    "*",
    "^name",
    "name:cocoa",
    "{name summary}: cocoa",
    "cocoa*",
    "&|!:*()<->",
    "' OR 1=1 --",
    "\\",
    "%_%",
    "🙂 🦺",
    "名前",
    "-",
    "- - -",
    "or",
    "or or or",
    "-or",
    "a",
    "the of and",
    "\t\n\r",
    "x" * 5000,
    " ".join(["cocoa"] * 500),
    "_",
    "__init__",
    "\u200b\u00a0\u2028",
    "ｃｏｃｏａ",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(library, text):
    list(Organisation.objects.published().search(text).by_relevance())
    Organisation.objects.published().matching(text).count()


def test_fullwidth_letters_are_read_as_plain_ones(library):
    assert matched("ｃｏｃｏａ") == ["Field Watch"]


def test_snippet_marks_matches_and_escapes_the_record(client, library):
    OrganisationFactory(name="Unsafe", summary='<img src=x onerror="alert(1)"> cocoa buyers.')
    html = client.get("/organisations/?q=cocoa").content.decode()
    assert "<mark>cocoa</mark>" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>cocoa</mark> buyers." in html


def test_snippet_shows_the_description_when_only_it_matched(client, library):
    html = client.get("/organisations/?q=lawyer").content.decode()
    assert "<mark>lawyer</mark>" in html
    assert "émigré" in html


def test_misspelt_search_offers_a_correction_that_finds_something(client, library):
    response = client.get("/organisations/?q=counseling+survivers&sort=name")
    suggestion = response.context["did_you_mean"]
    assert suggestion["text"] == "counseling survivors"
    assert "sort=name" in suggestion["query"]
    html = response.content.decode()
    assert 'Did you mean <a href="?q=counseling+survivors&amp;sort=name">' in html
    followed = client.get(f"/organisations/?{suggestion['query']}")
    assert [o.name for o in followed.context["object_list"]] == ["Harbour House"]


def test_no_suggestion_to_make_a_word_plural_or_singular(library):
    # The records say "farms", "houses" and "survivors"; the search stems, so these find them.
    assert suggest("cocoa farm") is None
    assert suggest("safe house survivor") is None
    assert suggest("supply chain") is None  # "chains"


def test_no_suggestion_when_nothing_close_exists(client, library):
    response = client.get("/organisations/?q=zzzzqqqq")
    assert response.context["did_you_mean"] is None
    assert "Did you mean" not in response.content.decode()


@pytest.mark.parametrize("text", ["habour house", "harbor hous", "Harbour Huose"])
def test_a_misspelt_name_finds_the_organisation_directly_on_every_database(library, text):
    # On both databases alike, an unknown word is also searched as the closest words of
    # organisation names.
    assert found(text)[0] == "Harbour House"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("anti-trafficking", "Runs anti-trafficking clinics."),
        ("antitrafficking", "Runs anti-trafficking clinics."),
        ("anti trafficking", "Runs anti-trafficking clinics."),
        ("anti-trafficking", "Runs antitrafficking clinics."),
        ("anti trafficking", "Runs antitrafficking clinics."),
        ("childcare", "Offers child care to mothers."),
        ("child care", "Offers childcare to mothers."),
        ("child-care", "Offers childcare to mothers."),
    ],
)
def test_hyphenated_spaced_and_joined_spellings_find_each_other(vocabulary, text, written):
    OrganisationFactory(name="Kite Project", summary=written)
    OrganisationFactory(name="Other Project", summary="Runs clinics for mothers and children.")
    assert found(text) == ["Kite Project"]


def test_a_joined_word_of_two_directory_words_is_not_read_as_a_misspelt_name(vocabulary):
    OrganisationFactory(name="Kite Project", summary="Runs anti-trafficking clinics.")
    OrganisationFactory(name="Trafficking Watch", summary="Maps routes used by smugglers.")
    # "antitrafficking" is "anti" + "trafficking", not a misspelling of the name "Trafficking".
    assert found("antitrafficking") == found("anti-trafficking") == ["Kite Project"]


def test_a_search_whose_words_do_not_all_match_lists_the_best_partial_matches_labelled(
    client, library
):
    response = client.get("/organisations/?q=cocoa+counselling+bananas")
    listed = [o.name for o in response.context["object_list"]]
    assert sorted(listed) == ["Field Watch", "Harbour House"]
    assert response.context["filter"].some_words
    assert "Showing results for some of your words" in response.content.decode()


def test_too_few_every_word_matches_are_followed_by_partial_matches_labelled(client, vocabulary):
    OrganisationFactory(name="Field Shelter", summary="A shelter for cocoa farm workers.")
    OrganisationFactory(name="Women's Shelter", summary="A shelter for women and girls.")
    OrganisationFactory(name="Cocoa Watch", summary="Research on cocoa supply chains.")
    OrganisationFactory(name="Clinic Trust", summary="Runs clinics for mothers.")
    response = client.get("/organisations/?q=cocoa+shelter")
    listed = [o.name for o in response.context["object_list"]]
    assert listed[0] == "Field Shelter"
    assert sorted(listed[1:]) == ["Cocoa Watch", "Women's Shelter"]
    html = response.content.decode()
    assert "Showing results for some of your words: 1 organisation matches all of them" in html
    assert "and comes first" in html
    # Sorted by name, full and partial matches would be mixed: only the full match is listed.
    response = client.get("/organisations/?q=cocoa+shelter&sort=name")
    assert [o.name for o in response.context["object_list"]] == ["Field Shelter"]
    assert "some of your words" not in response.content.decode()


def test_every_word_matches_filling_a_page_are_not_widened(client, vocabulary, settings):
    settings.ORGS_PAGE_SIZE = 2
    for n in range(2):
        OrganisationFactory(name=f"Field Shelter {n}", summary="A shelter for cocoa workers.")
    OrganisationFactory(name="Cocoa Watch", summary="Research on cocoa supply chains.")
    response = client.get("/organisations/?q=cocoa+shelter")
    assert not response.context["filter"].some_words
    assert response.context["paginator"].count == 2
    assert "some of your words" not in response.content.decode()


def test_partial_matches_rank_listings_matching_more_of_the_words_first(library):
    ranked = list(
        Organisation.objects.published()
        .search("safe houses survivors cocoa", some_words=True)
        .by_relevance()
        .values_list("name", flat=True)
    )
    # Harbour House has three of the four words, Field Watch one.
    assert ranked[:2] == ["Harbour House", "Field Watch"]


def test_a_search_matching_every_word_is_not_labelled_partial(client, library):
    response = client.get("/organisations/?q=cocoa+farms")
    assert not response.context["filter"].some_words
    assert "some of your words" not in response.content.decode()


def test_a_natural_question_finds_something_sensible(client, library):
    response = client.get("/organisations/?q=who+gives+legal+advice+to+migrant+workers+in+UK")
    assert next(iter(response.context["object_list"])).name == "Open Door"


def facet(response, name):
    return {
        c.value: (c.count, c.selected, c.disabled) for c in response.context["facets"][name].choices
    }


def test_facet_counts_ignore_their_own_selection_and_apply_the_others(client, library):
    response = client.get("/organisations/?pillar=recovery")
    pillars = facet(response, "pillar")
    # Every pillar keeps the count it would add: OR within the facet.
    assert pillars["recovery"] == (1, True, False)
    assert pillars["policy"] == (0, False, True)
    # Other facets count within the selection: AND across facets.
    assert facet(response, "hq") == {"GB": (1, False, False)}
    response = client.get("/organisations/?hq=GB")
    assert facet(response, "hq")["US"] == (1, False, False)
    assert facet(response, "hq")["GB"] == (2, True, False)
    assert facet(response, "country") == {"GB": (1, False, False), "PH": (1, False, False)}


def test_facet_counts_follow_the_search(client, library):
    response = client.get("/organisations/?q=survivors")
    assert facet(response, "pillar")["recovery"] == (1, False, False)
    assert facet(response, "type")["charity-ngo"] == (1, False, False)
    assert facet(response, "type")["funder"] == (0, False, True)


def test_a_choice_with_no_results_is_shown_but_cannot_be_chosen(client, library):
    html = client.get("/organisations/?q=cocoa").content.decode()
    assert 'value="recovery" disabled> Recovery <span class="count">(0)</span>' in html


def test_facet_counts_follow_edits_made_anywhere(client, library):
    house = Organisation.objects.get(name="Harbour House")
    house.hq_country = "IE"
    house.organisation_type = "funder"
    house.save()
    house.pillars.add(Pillar.objects.get(slug="policy"))
    house.pillars.remove(Pillar.objects.get(slug="recovery"))
    house.exploitation_forms.add(ExploitationForm.objects.get(slug="forced-labour"))
    response = client.get("/organisations/?q=survivors")
    assert facet(response, "hq") == {"IE": (1, False, False)}
    assert facet(response, "type")["funder"] == (1, False, False)
    assert facet(response, "pillar")["policy"] == (1, False, False)
    assert facet(response, "pillar")["recovery"] == (0, False, True)
    assert facet(response, "exploitation")["forced-labour"] == (1, False, False)


def test_facet_counts_hold_for_any_term_id(client, library):
    # Term ids small enough are counted as bits of a mask, larger ones through the relation.
    big = Population.objects.create(name="Seafarers", slug="seafarers", id=1000)
    house = Organisation.objects.get(name="Harbour House")
    house.populations.add(big, Population.objects.get(slug="survivors"))
    response = client.get("/organisations/?population=seafarers&pillar=recovery")
    assert facet(response, "population")["seafarers"] == (1, True, False)
    assert facet(response, "population")["survivors"] == (1, False, False)
    assert facet(response, "pillar")["recovery"] == (1, True, False)
    assert facet(response, "hq") == {"GB": (1, False, False)}
    assert [o.name for o in response.context["object_list"]] == ["Harbour House"]


@pytest.mark.parametrize(
    "text", ["Safe Houses, AFTERCARE & more.", "Émigré-led ﬁeld work: İstanbul"]
)
def test_snippet_folding_keeps_every_position(text):
    folded = search_tags._folded(text)
    assert len(folded) == len(text)
    assert folded == "".join((fold(c) or c)[:1] for c in text)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=survivors",
        "?pillar=recovery",
        "?hq=GB&type=charity-ngo",
        "?pillar=recovery&pillar=policy&country=GB&country=PH",
        "?q=cocoa&hq=GB",
        "?q=zzzzqqqq",
        "?pillar=recovery&min_years=1&exploitation=forced-labour&population=survivors",
    ],
)
def test_the_result_count_from_the_facet_statement_is_the_number_listed(client, library, query):
    response = client.get("/organisations/" + query)
    listed = response.context["filter"].qs
    assert response.context["paginator"].count == len(list(listed))
