"""What a visitor does, in a real browser: search, filter, open a profile and find the
organisation's website; the same filtering by keyboard alone; and with JavaScript switched off."""

import re

import pytest

from orgs.models import Organisation

from .pages import COMPARED, PROFILE

pytestmark = pytest.mark.browser

FILTER_BUTTON = "Show organisations"


def result_count(page):
    return int(page.locator("#results-heading").inner_text().split()[0])


def has_visible_focus(page):
    """The focused element draws an outline or a box shadow, so a keyboard user can see it."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== "none";
        }"""
    )


def test_search_filter_and_open_a_profile_with_its_website(page, live_server):
    # The website is another host: note that the browser asked for it, but never go there.
    asked_elsewhere = []

    def stay_here(route):
        asked_elsewhere.append(route.request.url)
        route.abort()

    page.context.route(lambda url: not url.startswith(live_server.url), stay_here)

    page.goto("/")
    page.get_by_label("Search the directory").fill("survivors")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/organisations/\?q=survivors"))
    searched = result_count(page)
    assert searched > 1

    page.get_by_role("group", name="Pillar").get_by_label("Policy").check()
    page.get_by_role("button", name=FILTER_BUTTON).click()
    page.wait_for_url(re.compile(r"pillar=policy"))
    filtered = result_count(page)
    assert 0 < filtered < searched
    assert page.get_by_role("link", name=re.compile("Remove filter Pillar")).is_visible()

    page.locator(".card-title a").first.click()
    page.wait_for_url(re.compile(r"/organisations/[\w-]+/$"))
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    organisation = Organisation.objects.get(slug=slug)
    assert organisation.pillars.filter(slug="policy").exists()
    website = page.get_by_role("link", name="Website", exact=True)
    assert website.get_attribute("href") == organisation.website
    assert set(website.get_attribute("rel").split()) >= {"noopener", "external"}

    with page.expect_request(lambda request: request.url == organisation.website):
        website.click()
    assert asked_elsewhere == [organisation.website]


def test_filtering_by_keyboard_alone_with_visible_focus(page):
    page.goto("/organisations/")
    everyone = result_count(page)
    recovery = page.get_by_role("group", name="Pillar").get_by_label("Recovery")

    for _ in range(40):
        page.keyboard.press("Tab")
        assert has_visible_focus(page), page.evaluate("document.activeElement.outerHTML")
        if recovery.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Recovery filter")
    page.keyboard.press("Space")
    assert recovery.is_checked()

    button = page.get_by_role("button", name=FILTER_BUTTON)
    # Past every tick box of the form but the countries': their two lists (some 170 boxes)
    # are folded, one Tab each.
    for _ in range(80):
        page.keyboard.press("Tab")
        assert has_visible_focus(page), page.evaluate("document.activeElement.outerHTML")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the {FILTER_BUTTON!r} button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"pillar=recovery"))
    assert 0 < result_count(page) < everyone


@pytest.fixture
def page_without_javascript(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_search_and_filters_work_without_javascript(page_without_javascript):
    page = page_without_javascript
    page.goto("/")
    page.get_by_label("Search the directory").fill("forced labour")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/organisations/\?q=forced\+labour"))
    searched = result_count(page)
    assert searched > 1

    page.get_by_role("group", name="Pillar").get_by_label("Intelligence").check()
    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name=FILTER_BUTTON).click()
    page.wait_for_url(re.compile(r"pillar=intelligence"))
    filtered = result_count(page)
    assert 0 < filtered < searched
    assert page.get_by_label("Sort by").input_value() == "name"

    page.get_by_role("link", name=re.compile("Remove filter Pillar")).click()
    page.wait_for_url(lambda url: "pillar=" not in url)
    assert result_count(page) == searched


def test_a_country_page_shows_its_pillar_coverage_and_leads_to_the_organisations(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Countries").click()
    page.get_by_role("link", name="Albania", exact=True).click()
    page.wait_for_url(re.compile(r"/countries/al/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Albania"

    coverage = page.locator(".coverage li")
    assert coverage.count() == 4
    gaps = page.locator(".coverage li.gap")
    assert [gaps.nth(i).inner_text().split(":")[0] for i in range(gaps.count())] == [
        "Intelligence",
        "Policy",
    ]
    assert "No listed organisation works on intelligence or policy here." in (
        page.locator(".notice").inner_text()
    )
    worked_on = Organisation.objects.published().operating_in(["AL"])
    assert page.locator(".card").count() == worked_on.count()

    page.locator(".coverage").get_by_role("link", name=re.compile(r"^1 organisation")).first.click()
    page.wait_for_url(re.compile(r"/organisations/\?country=AL&pillar=education"))
    assert result_count(page) == worked_on.filter(pillars__slug="education").count()


def test_a_profile_prints_as_a_record(page, screenshot_folder):
    page.goto(f"/organisations/{PROFILE}/")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.locator(".correction-link").is_visible()
    assert page.locator("#sources").is_visible()
    first_source = page.locator(".sources a").first
    printed = first_source.evaluate("a => getComputedStyle(a, '::after').content")
    assert first_source.get_attribute("href") in printed
    page.pdf(path=str(screenshot_folder / "profile-print.pdf"))


def test_on_a_phone_the_results_come_first_and_the_filters_unfold(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto("/organisations/?q=survivors")
    pillar = page.get_by_role("group", name="Pillar")
    assert not pillar.is_visible()
    assert page.locator("#results-heading").bounding_box()["y"] < 812
    page.get_by_text("Filters and sorting").focus()
    page.keyboard.press("Enter")
    assert pillar.is_visible()
    context.close()


def test_comparing_two_results_side_by_side_without_javascript(page_without_javascript):
    page = page_without_javascript
    page.goto("/organisations/?q=survivors&sort=name")
    cards = page.locator(".card")
    chosen = [cards.nth(i).locator(".card-title").inner_text() for i in (0, 2)]
    for name in chosen:
        page.get_by_role("checkbox", name=f"Compare {name}").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(re.compile(r"/compare/\?o=[\w-]+&o=[\w-]+$"))

    table = page.get_by_role("table", name="2 organisations side by side")
    headings = table.get_by_role("columnheader")
    assert [headings.nth(i).get_by_role("link").first.inner_text() for i in range(2)] == chosen
    assert table.get_by_role("rowheader", name="Intelligence").is_visible()

    page.get_by_role("link", name=f"Remove {chosen[0]} from the comparison").click()
    assert "Choose at least two organisations to compare" in page.locator("main").inner_text()


def test_on_a_phone_the_comparison_keeps_its_row_names_in_view(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(f"/compare/?o={PROFILE}&o={COMPARED[0]}&o={COMPARED[1]}")
    assert page.get_by_text("The table scrolls sideways").is_visible()
    label = page.get_by_role("rowheader", name="Founded")
    before = label.bounding_box()["x"]
    page.get_by_role("region", name="3 organisations side by side").evaluate(
        "region => { region.scrollLeft = region.scrollWidth; }"
    )
    assert label.bounding_box()["x"] == before
    assert 0 <= before < 375
    intelligence = page.get_by_role("row", name=re.compile("^Intelligence"))
    assert re.search(r"[✓✗] (Yes|No)", intelligence.inner_text())
    context.close()


def test_on_a_phone_the_compare_bar_appears_from_the_first_tick_with_a_count(
    browser, live_server, directory
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto("/organisations/?sort=name")
    bar = page.locator("#compare-form")
    assert bar.evaluate("bar => getComputedStyle(bar).position") == "static"
    first = page.locator(".card").first
    first.get_by_role("checkbox").check()
    assert bar.evaluate("bar => getComputedStyle(bar).position") == "sticky"
    assert bar.get_by_text("1 of 4 chosen").is_visible()
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= 812
    context.close()


def test_a_choice_is_kept_across_pages_without_javascript(page_without_javascript):
    page = page_without_javascript
    page.goto("/organisations/?sort=name")
    first = page.locator(".card-title").first.inner_text()
    page.get_by_role("checkbox", name=f"Compare {first}").check()
    page.get_by_role("button", name="Keep these ticked, next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "sort=name" in page.url and "o=" in page.url
    assert page.get_by_text("1 of 4 chosen").is_visible()
    second = page.locator(".card-title").first.inner_text()
    page.get_by_role("checkbox", name=f"Compare {second}").check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(re.compile(r"/compare/\?o=[\w-]+&o=[\w-]+$"))
    table = page.get_by_role("table", name="2 organisations side by side")
    headings = table.get_by_role("columnheader")
    assert [headings.nth(i).get_by_role("link").first.inner_text() for i in range(2)] == [
        first,
        second,
    ]


def test_a_country_is_found_by_typing_ticked_and_then_listed_first(page):
    page.goto("/organisations/")
    works_in = page.get_by_role("group", name="Works in")
    assert not works_in.is_visible()  # folded while none is chosen
    page.locator("summary", has_text="Works in").click()
    choices = works_in.locator(".choices")
    # Some 90 countries in a box that scrolls: the page does not grow by their number.
    assert choices.evaluate("box => box.scrollHeight > box.clientHeight")
    assert works_in.bounding_box()["height"] < 400

    works_in.get_by_label("Type to narrow the list").fill("nep")
    shown = works_in.locator("label.choice:visible").all_inner_texts()
    assert [text.split(" (")[0].strip() for text in shown] == ["Nepal"]
    works_in.get_by_label("Nepal").check()
    page.get_by_role("button", name=FILTER_BUTTON).click()
    page.wait_for_url(re.compile(r"country=NP"))
    assert result_count(page) > 0
    works_in = page.get_by_role("group", name="Works in")
    first = works_in.locator("input[type=checkbox]").first
    assert first.get_attribute("value") == "NP" and first.is_checked()


def test_countries_are_ticked_without_javascript(page_without_javascript):
    page = page_without_javascript
    page.goto("/organisations/")
    everyone = result_count(page)
    assert page.get_by_label("Type to narrow the list").count() == 0
    page.locator("summary", has_text="Works in").click()
    page.get_by_role("group", name="Works in").get_by_label("Nepal").check()
    page.locator("summary", has_text="Headquarters").click()
    page.get_by_role("group", name="Headquarters").get_by_label("Nepal").check()
    page.get_by_role("button", name=FILTER_BUTTON).click()
    page.wait_for_url(re.compile(r"country=NP&hq=NP"))
    assert 0 < result_count(page) < everyone
    assert page.locator("summary", has_text="Headquarters").inner_text() == (
        "Headquarters · 1 chosen"
    )
    assert page.get_by_role("group", name="Headquarters").get_by_label("Nepal").is_checked()
