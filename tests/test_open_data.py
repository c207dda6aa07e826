"""The downloads and the feed: /data/organisations.csv, the /data/ page and /feeds/updates/.
Only published listings, only public columns, a licence and a way to cite, linked from every
page."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from orgs.csv_format import COLUMNS
from orgs.opendata.public_csv import PUBLIC_COLUMNS

from .conftest import HIDDEN_SLUGS, SECRET_CURATOR, SECRET_SENDER
from .test_api import loaded_resources

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SECRETS = [SECRET_CURATOR, SECRET_SENDER, *HIDDEN_SLUGS, "Hidden Draft", "Waiting Review"]


def read_csv(client):
    response = client.get("/data/organisations.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    return text, list(csv.DictReader(io.StringIO(text)))


def test_the_public_csv_holds_the_published_listings_in_the_documented_format(
    client, open_directory
):
    _, rows = read_csv(client)
    assert [row["slug"] for row in rows] == ["beacon-network", "harbour-trust"]
    harbour = rows[1]
    assert harbour["pillars"] == "education|recovery"
    assert harbour["countries"] == "GB|IE"
    assert harbour["sources"] == "https://harbour-trust.example.org/about all"
    assert harbour["phone"] == "'+44 117 496 0000"  # kept from running as a formula
    lines = harbour["criteria"].splitlines()
    assert lines[0].startswith("long-standing met ")
    assert any(line.endswith("Registered since 1996.") for line in lines)
    assert "local-partners unknown - - Asked them in March." in lines


def test_the_public_csv_has_only_public_columns(client, open_directory):
    text, _ = read_csv(client)
    header = text.splitlines()[0].split(",")
    assert header == PUBLIC_COLUMNS
    assert set(header) <= set(COLUMNS)
    assert "status" not in header


def test_the_public_csv_never_holds_unpublished_listings_curators_or_senders(
    client, open_directory
):
    text, _ = read_csv(client)
    for secret in SECRETS:
        assert secret not in text


def test_the_data_page_explains_each_download_its_licence_and_how_to_cite_it(
    client, open_directory
):
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    for link in [
        'href="/data/organisations.csv"',
        'href="/data/hsds-datapackage.zip"',
        'href="/feeds/updates/"',
        'href="/api/v1/"',
        'href="/api/v1/docs/"',
        'href="/api/v1/openapi.json"',
    ]:
        assert link in html
    assert "CC BY 4.0" in html
    assert re.search(r'<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">', html)
    assert "How to cite it" in html
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded_resources(html))


def test_the_feed_lists_published_listings_newest_change_first(client, open_directory):
    from orgs.models import Organisation

    Organisation.objects.filter(slug="beacon-network").update(name="Beacon Network Nepal")
    Organisation.objects.filter(slug="old-archive").update(name="Archived, changed")
    response = client.get("/feeds/updates/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Last-Modified"]
    assert response["ETag"]
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed, from the test client)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Beacon Network Nepal", "Harbour Trust"]
    text = response.content.decode()
    for secret in [*SECRETS, "Archived, changed"]:
        assert secret not in text
    assert f"{ATOM}author" not in {element.tag for element in feed.iter()}


def test_the_feed_is_linked_from_every_page_head_and_visibly_from_home_and_data(
    client, open_directory
):
    alternate = (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Pillars: listings published or updated" href="/feeds/updates/">'
    )
    for url in ["/", "/organisations/", "/data/"]:
        assert alternate in client.get(url).content.decode()
    for url in ["/", "/data/"]:
        body = client.get(url).content.decode().split("<body>")[1]
        assert re.search(r'<a href="/feeds/updates/">[^<]+</a>', body)
    assert '<a href="/data/">' in client.get("/").content.decode()


def test_downloads_have_an_etag_and_answer_304_when_unchanged(client, open_directory):
    for url in ["/data/organisations.csv", "/data/hsds-datapackage.zip", "/data/"]:
        response = client.get(url)
        assert response["ETag"], url
        assert response["Access-Control-Allow-Origin"] == "*"
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url


def test_a_download_is_built_once_while_the_directory_is_unchanged(
    client, open_directory, django_assert_max_num_queries, committed
):
    from orgs.models import Organisation

    first = client.get("/data/organisations.csv").content
    # The directory's version and the kept file (from the database cache in tests; Redis in
    # production): no listing is read again.
    with django_assert_max_num_queries(2):
        assert client.get("/data/organisations.csv").content == first
    with committed():
        harbour = Organisation.objects.get(slug="harbour-trust")
        harbour.name = "Harbour Trust Renamed"
        harbour.save()
    assert b"Harbour Trust Renamed" in client.get("/data/organisations.csv").content
