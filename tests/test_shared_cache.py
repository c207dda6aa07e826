"""The shared cache is real: with Redis, what one worker process counts, every other sees.

These tests run against the throwaway Redis that `make test` starts (bin/with-redis sets
TEST_REDIS_URL). Without it they skip loudly, except under CI=true, where they fail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

if not REDIS_URL:
    if os.environ.get("CI") == "true":
        pytest.fail("TEST_REDIS_URL is not set: under CI the shared-cache tests must run.")
    pytest.skip(
        "No throwaway Redis (run through bin/with-redis or make test)", allow_module_level=True
    )


@pytest.fixture
def redis_caches(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "search": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "search",
        },
        "local": settings.CACHES["local"],
    }
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


SUBMIT_FROM_ANOTHER_PROCESS = """
import django
django.setup()
from django.test import RequestFactory
from orgs import ratelimit
request = RequestFactory().post("/suggest/", REMOTE_ADDR="203.0.113.50")
for _ in range({count}):
    ratelimit.count_submission(request)
"""


def worker(count):
    """A separate Python process, as a gunicorn worker is, counting ``count`` submissions."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "directory.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "REDIS_URL": REDIS_URL,
    }
    return subprocess.Popen(
        [sys.executable, "-c", SUBMIT_FROM_ANOTHER_PROCESS.format(count=count)],
        cwd=ROOT,
        env=environment,
    )


def test_the_submission_limit_holds_across_worker_processes(redis_caches, settings, rf):
    from orgs import ratelimit

    settings.ORGS_SUBMISSIONS_PER_HOUR = 5
    workers = [worker(2), worker(2), worker(1)]
    assert [process.wait(timeout=60) for process in workers] == [0, 0, 0]
    request = rf.post("/suggest/", REMOTE_ADDR="203.0.113.50")
    # Five counted by three processes: the sixth, from any process, is refused.
    assert ratelimit.seconds_until_allowed(request) is not None
    assert ratelimit.seconds_until_allowed(rf.post("/suggest/", REMOTE_ADDR="203.0.113.51")) is None


def test_a_visitor_over_the_limit_gets_429_from_redis(redis_caches, settings, client, vocabulary):
    from .test_suggestions import SUGGEST, suggestion_data

    settings.ORGS_SUBMISSIONS_PER_HOUR = 1
    assert client.post(SUGGEST, suggestion_data()).status_code == 302
    assert client.post(SUGGEST, suggestion_data()).status_code == 429


def test_search_results_are_kept_in_redis(redis_caches, client, organisation):
    assert client.get("/organisations/?q=safe+houses").status_code == 200
    search = caches["search"]
    assert search._cache.get_client().dbsize() > 0


def test_sessions_live_in_redis_and_the_database(redis_caches, settings, client, db):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.contrib.auth.models import User

    user = User.objects.create_user("reader", password="pw")
    client.force_login(user)
    key = client.session.session_key
    assert caches["default"].get(f"django.contrib.sessions.cached_db{key}") is not None
