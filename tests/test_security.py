"""Holes found by trying the site as an attacker would (issue 12), each closed and kept closed."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["①①", "²²", "12", "٣٣", "g1", "ǅǅ"])
def test_a_country_page_answers_only_to_two_letters(client, organisation, code):
    response = client.get(f"/countries/{code}/")
    assert response.status_code == 404


def test_a_country_page_has_one_address(client, organisation):
    assert client.get("/countries/dz/").status_code == 200
    assert client.get("/countries/012/").status_code == 404


def test_repeated_filter_values_count_once(client, organisation):
    query = "&".join(["country=GB", "pillar=recovery"] * 150)
    response = client.get(f"/organisations/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbour Trust" in page
    # One chip per value, and the link that removes one carries the other value once.
    assert page.count("Remove filter Works in: United Kingdom") == 1
    assert page.count("Remove filter Pillar: Recovery") == 1
    assert len(response.content) < 100_000


def test_too_many_values_for_one_filter_are_reported_not_multiplied(client, organisation):
    from django_countries import countries

    codes = [code for code, _ in countries][:60]
    response = client.get("/organisations/?" + "&".join(f"country={c}" for c in codes))
    assert response.status_code == 200
    assert "Works in: Choose at most 20. This part of your search was ignored." in (
        response.content.decode()
    )
    assert len(response.content) < 150_000


def test_reverting_to_a_past_version_never_restores_its_status(client, curator, organisation):
    """A curator reverting an archived listing to a version from when it was published gets
    the old content back, and the listing stays archived: only an editor publishes."""
    from django.urls import reverse

    from orgs.models import Organisation

    from .factories import change_data

    published_version = organisation.history.latest()
    organisation.status = Organisation.Status.ARCHIVED
    organisation.name = "Harbour Trust (closed)"
    organisation.save()

    client.force_login(curator)
    revert_url = reverse(
        "admin:orgs_organisation_simple_history",
        args=[organisation.pk, published_version.history_id],
    )
    form = client.get(revert_url).context["adminform"].form
    data = change_data(organisation, name=form.initial["name"], pillars=form.initial["pillars"])
    assert client.post(revert_url, data).status_code == 302

    organisation.refresh_from_db()
    assert organisation.name == "Harbour Trust"
    assert organisation.status == Organisation.Status.ARCHIVED
    assert client.get("/organisations/harbour-trust/").status_code == 404
    latest = organisation.history.latest()
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert "status kept: Archived" in latest.history_change_reason


# Headers, body limits, a database outage, health probes

PAGE_TYPES = [
    "/",
    "/organisations/",
    "/organisations/?q=shelter",
    "/organisations/harbour-trust/",
    "/organisations/harbour-trust/correction/",
    "/pillars/recovery/",
    "/countries/",
    "/countries/gb/",
    "/compare/?o=harbour-trust",
    "/methodology/",
    "/guide/",
    "/suggest/",
    "/sitemap.xml",
    "/robots.txt",
    "/organisations/no-such-listing/",
    "/admin/login/",
    "/healthz",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_carries_the_security_headers(client, organisation, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    csp = response.headers["Content-Security-Policy"]
    for directive in [
        "default-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]:
        assert directive in csp
    assert "'unsafe-inline'" not in csp
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Server" not in response.headers


def test_every_inline_script_is_allowed_by_its_hash_and_no_other_is(client, organisation):
    import base64
    import hashlib
    import re

    response = client.get("/organisations/")
    scripts = re.findall(r"<script>(.*?)</script>", response.content.decode(), re.S)
    assert scripts, "the list page folds its filters with one inline script"
    csp = response.headers["Content-Security-Policy"]
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_a_public_form_refuses_an_oversized_body_before_reading_it(client, settings):
    settings.PUBLIC_MAX_BODY_BYTES = 1000
    response = client.generic(
        "POST",
        "/suggest/",
        b"x" * 10,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="200000000",
    )
    assert response.status_code == 413
    assert "at most" in response.content.decode()


def test_a_public_form_refuses_a_file(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/suggest/", {"name": "x", "attachment": SimpleUploadedFile("a.txt", b"hello")}
    )
    assert response.status_code == 400
    assert "text only" in response.content.decode()


def test_a_database_outage_is_a_503_with_retry_after(client, organisation, monkeypatch):
    from django.db import OperationalError

    from orgs import views

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.HomeView, "get_context_data", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "try again" in response.content.decode()
    monkeypatch.undo()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/organisations/?q=safe+houses", "/api/v1/organisations/"])
def test_a_shared_cache_outage_is_a_503_with_retry_after(client, organisation, settings, path):
    # Nothing listens on port 1: Redis refuses every connection, as when it is down.
    down = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
    settings.CACHES = {
        **settings.CACHES,
        "default": {**down, "LOCATION": "redis://127.0.0.1:1/0"},
        "search": {**down, "LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "search"},
    }
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "try again" in response.content.decode().lower()


def test_a_shared_cache_outage_under_a_staff_session_is_a_503_not_a_500(
    client, admin_user, settings
):
    # With Redis, sessions are cached_db: a middleware reads the session, outside any view.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    client.raise_request_exception = False
    response = client.get("/admin/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


def test_health_probes_answer_and_are_never_cached(client, db):
    for path in ["/healthz", "/readyz"]:
        response = client.get(path)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert "no-cache" in response.headers["Cache-Control"]
    assert "/healthz" not in client.get("/sitemap.xml").content.decode()


def test_readiness_fails_with_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from orgs import health

    monkeypatch.setattr(health, "_database", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_per_process_cache_is_refused_when_several_processes_serve(settings):
    from orgs.checks import shared_default_cache

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.WEB_CONCURRENCY = None
    assert [e.id for e in shared_default_cache(None)] == ["orgs.E001"]
    settings.WEB_CONCURRENCY = 1
    assert shared_default_cache(None) == []


def test_the_embedded_default_cache_is_shared_by_processes_through_the_database(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache") or settings.REDIS_URL
