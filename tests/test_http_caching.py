"""Anonymous visitors of the public pages get them with validators derived from the
directory's version (orgs/caching.py): an ETag and Last-Modified, a short public lifetime, a
304 when their copy is current, and the kept page while the directory is unchanged. Visitors
with a session, and the forms and the admin, are never given a kept page."""

import pytest
from django.urls import reverse

from orgs import caching

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    reverse("orgs:home"),
    reverse("orgs:list"),
    "/organisations/?q=safe+houses&pillar=recovery",
    reverse("orgs:detail", args=["harbour-trust"]),
    reverse("orgs:pillar", args=["recovery"]),
    reverse("orgs:countries"),
    reverse("orgs:country", args=["gb"]),
    reverse("orgs:guide"),
    reverse("orgs:methodology"),
]


@pytest.fixture(autouse=True)
def harbour(organisation):
    return organisation


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_public_page_carries_validators_and_a_short_public_lifetime(client, url, settings):
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "public" in response["Cache-Control"]
    assert f"max-age={settings.ORGS_PAGE_MAX_AGE}" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_current_copy_is_answered_not_modified(client, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_an_unchanged_directory_serves_the_kept_page(client, url):
    first = client.get(url)
    again = client.get(url)
    assert again.context is None  # not rendered again
    assert again.content == first.content


def test_a_change_gives_every_page_a_new_etag_and_a_fresh_render(client, harbour):
    url = reverse("orgs:detail", args=["harbour-trust"])
    before = client.get(url)
    harbour.summary = "Now runs a helpline too."
    harbour.save()
    caching.bump()  # what the save's commit does (tests/test_search_cache.py)
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Now runs a helpline too." in after.content.decode()


def test_different_addresses_have_different_etags(client):
    assert client.get("/organisations/?q=a")["ETag"] != client.get("/organisations/?q=b")["ETag"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_visitor_with_a_session_is_never_given_a_kept_page(client, url, settings):
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-curator"
    response = client.get(url)
    assert response.context is not None
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    [
        reverse("orgs:suggest"),
        reverse("orgs:correction", args=["harbour-trust"]),
        reverse("admin:login"),
    ],
)
def test_forms_and_the_admin_are_never_kept_nor_given_validators(client, url):
    client.get(url)
    response = client.get(url)
    assert response.context is not None
    assert "ETag" not in response


def test_a_missing_page_is_not_kept(client):
    url = reverse("orgs:detail", args=["no-such-listing"])
    assert client.get(url).status_code == 404
    assert "ETag" not in client.get(url)


def test_a_cache_that_refuses_writes_costs_speed_not_a_page(client, organisation, monkeypatch):
    """A full Redis without an eviction policy answered every search with a 500."""
    from django.core.cache import caches

    def refuse(*args, **kwargs):
        raise RuntimeError("OOM command not allowed when used memory > 'maxmemory'")

    for name in ["default", "search"]:
        monkeypatch.setattr(caches[name], "set", refuse)
    for path in ["/", "/organisations/?q=safe+houses", "/organisations/harbour-trust/"]:
        assert client.get(path).status_code == 200, path
