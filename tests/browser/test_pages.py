"""Every page type in a real browser: no axe-core violations of WCAG 2.2 AA in the light or the
dark colour scheme, no horizontal scroll from 320 px up, no request to another host, and a
screenshot of each at phone and desktop widths (the folder is printed at the end of the run).

One test walks every page, so that the seeded directory is loaded once, and its report names
each page that fails and why.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import PAGES, split

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 320, "height": 640}

pytestmark = pytest.mark.browser


def open_page(page, path):
    method, path = split(path)
    response = page.goto(path)
    if method == "POST":
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    return response


def violations(page, axe):
    found = []
    for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"      at {', '.join(map(str, node['target']))}: {node['html'][:160]}\n"
                f"      {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return found


def overflow(page, viewport):
    page.set_viewport_size(viewport)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        return [f"scrolls sideways at {viewport['width']} px: the page is {width} px wide"]
    return []


def test_every_page_type_is_accessible_fits_small_screens_and_stays_on_this_site(
    page, live_server, screenshot_folder
):
    axe = Axe()
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith((live_server.url, "data:")) or elsewhere.append(request.url)
        ),
    )
    problems = []
    for name, path in PAGES:
        page.set_viewport_size(DESKTOP)
        page.emulate_media(color_scheme="light")
        open_page(page, path)
        found = [f"light: {v}" for v in violations(page, axe)]
        page.screenshot(path=screenshot_folder / f"{name}-desktop.png", full_page=True)
        page.emulate_media(color_scheme="dark")
        found += [f"dark: {v}" for v in violations(page, axe)]
        page.emulate_media(color_scheme="light")
        found += overflow(page, PHONE)
        page.screenshot(path=screenshot_folder / f"{name}-phone.png", full_page=True)
        found += overflow(page, NARROWEST)
        found += [f"asked another host for {url}" for url in elsewhere]
        elsewhere.clear()
        problems += [f"{name} ({path}): {problem}" for problem in found]
    assert not problems, "\n" + "\n".join(problems)
