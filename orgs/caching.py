"""The directory's version, and the public pages and search results kept under it.

The version lives in the shared ("default") cache. Every change to what the public pages show
bumps it once its transaction has committed: the signal handlers of orgs/signals.py for
single writes, and every bulk path (CSV import, load_directory, synthetic listings) calls
``changed()`` itself. Nothing is kept in the database, so no write takes a lock that another
listing's write needs. What is kept under a version (search results, whole pages) can never be
served after a newer version exists. The trade-off: a raw SQL write made outside the app is
not seen until the next change, or until ``manage.py refresh_search`` (which rewrites the
search documents and bumps the version).

``public_page`` sends anonymous visitors the page as it was rendered for the current version,
with ``ETag``/``Last-Modified`` derived from it and a short ``Cache-Control`` lifetime, and
answers a matching ``If-None-Match`` with 304. A visitor with a session (a curator) or a
pending message always gets a freshly rendered page, never a kept one.
"""

import hashlib
import logging
import time
import zlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

logger = logging.getLogger(__name__)

KEY = "orgs:directory-version"
# Part of every key: change it when the shape of a kept value changes, so that processes of
# different releases sharing a cache (during a deploy) never read each other's values.
FORMAT = 2


def version():
    """The current version: the time of the last change, in nanoseconds."""
    cache = caches["default"]
    current = cache.get(KEY)
    if current is None:  # never set, or the cache was emptied: a new version
        cache.add(KEY, time.time_ns(), timeout=None)
        current = cache.get(KEY)
    return current


def bump():
    caches["default"].set(KEY, time.time_ns(), timeout=None)


def changed(using=None):
    """Something public pages show has changed: a new version once the change commits (at
    once outside a transaction), scheduled at most once per transaction."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump()
    elif not any(callback is bump for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(bump, using=using)


def keep(cache, cache_key, value):
    """Keep a value that can be computed again: a cache that refuses the write (a full Redis
    with no eviction policy, a database cache on a sick database) costs speed, never a page."""
    try:
        cache.set(cache_key, value)
    except Exception as error:  # each backend raises its own kind
        logger.warning("Could not keep %s in the cache: %s", cache_key[:12], error)


def key(*parts):
    return hashlib.sha256(repr((FORMAT, *parts)).encode()).hexdigest()


def kept(cache, current, name, compute):
    """``compute()``, computed once per ``current`` version; ``name`` says everything else
    the value depends on."""
    cache_key = key(current, name)
    value = caches[cache].get(cache_key)
    if value is None:
        value = compute()
        keep(caches[cache], cache_key, value)
    return value


def is_anonymous(request):
    return request.method in ("GET", "HEAD") and not (
        {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys()
    )


def public_page(view):
    """Wrap a public view: see the module's docstring."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_anonymous(request):
            return view(request, *args, **kwargs)
        current = version()
        # The date too: "active for at least N years" and review dates count from today.
        page_key = key(current, request.build_absolute_uri(), timezone.localdate().isoformat())
        etag = quote_etag(page_key[:32])
        last_modified = current // 1_000_000_000
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = _page(page_key, lambda: view(request, *args, **kwargs))
        if response.status_code in (200, 304):
            response.headers.setdefault("ETag", etag)
            response.headers.setdefault("Last-Modified", http_date(last_modified))
            patch_cache_control(response, public=True, max_age=settings.ORGS_PAGE_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped


def _page(page_key, render):
    cache = caches["default"]
    found = cache.get(page_key)
    if found is not None:
        content_type, body = found
        return HttpResponse(zlib.decompress(body), content_type=content_type)
    response = render()
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200 and not response.cookies and not response.streaming:
        keep(cache, page_key, (response["Content-Type"], zlib.compress(response.content)))
    return response
