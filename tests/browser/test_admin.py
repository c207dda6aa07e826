"""The curators' admin in a real browser, at a laptop's 1,280 px: the list of listings and a
listing's change form fit the window, with nothing to scroll sideways."""

import pytest
from django.conf import settings
from django.urls import reverse

from orgs.models import Organisation

from ..conftest import SecondFactorClient

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}

# Anything wider than the window: the page itself, or a box that scrolls sideways (Django's
# admin puts its tables in boxes that scroll, so the page alone would not tell).
SIDEWAYS = """() => [document.documentElement, ...document.querySelectorAll("#content *")]
    .filter((element) => element === document.documentElement
        || ["auto", "scroll"].includes(getComputedStyle(element).overflowX))
    .filter((element) => element.scrollWidth > element.clientWidth + 1)
    .map((element) => `${element.tagName.toLowerCase()}.${element.className}: `
        + `${element.scrollWidth} px in ${element.clientWidth} px`)"""
# What reaches past the window's right edge (named in a failure's message).
PAST_THE_EDGE = """() => [...document.querySelectorAll("#content *")]
    .filter((element) => element.getBoundingClientRect().right > innerWidth + 1)
    .filter((element) => ![...element.children].some(
        (child) => child.getBoundingClientRect().right > innerWidth + 1))
    .slice(0, 5)
    .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`
        + ` ends at ${Math.round(element.getBoundingClientRect().right)} px`)"""


def sideways(page):
    found = page.evaluate(SIDEWAYS)
    return found + page.evaluate(PAST_THE_EDGE) if found else []


@pytest.fixture
def staff_page(browser, live_server, directory, admin_user):
    """A page signed in as a staff member who gave the second factor."""
    client = SecondFactorClient()
    client.force_login(admin_user)
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    yield context.new_page()
    context.close()


def test_the_list_of_listings_fits_1280_px_without_sideways_scroll(staff_page, screenshot_folder):
    page = staff_page
    page.goto(reverse("admin:orgs_organisation_changelist"))
    assert page.locator("#result_list tbody tr").count() > 50  # the seeded directory
    page.screenshot(path=screenshot_folder / "admin-listings-1280.png")
    problems = sideways(page)
    assert not problems, "\n".join(problems)
    # Every column still says what it holds.
    headers = page.locator("#result_list thead th").all_inner_texts()
    for column in ["Name", "Status", "Pillars", "Review due"]:
        assert any(column.lower() in header.lower() for header in headers), (column, headers)


def test_a_listing_change_form_fits_1280_px_without_sideways_scroll(staff_page, screenshot_folder):
    page = staff_page
    listing = Organisation.objects.order_by("name").first()
    page.goto(reverse("admin:orgs_organisation_change", args=[listing.pk]))
    assert page.locator('input[name="assessments-0-criterion"]').count() == 1
    page.screenshot(path=screenshot_folder / "admin-listing-1280.png", full_page=True)
    problems = sideways(page)
    assert not problems, "\n".join(problems)
