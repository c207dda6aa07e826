"""How often one address may send something to the curators, counted in Django's cache.

A fixed window: the first submission from an address opens an hour, and at most
``ORGS_SUBMISSIONS_PER_HOUR`` submissions are accepted until it closes."""

import ipaddress

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def client_address(request):
    """The sender's IP address. Behind our proxy (BEHIND_PROXY) that is the first address of
    X-Forwarded-For; anywhere else the header is set by the client and so ignored."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        # An IPv6 zone ("::1%anything") names no other sender: without it, the key stays
        # short and the same for every zone the sender makes up.
        forwarded = forwarded.partition("%")[0]
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR", "")


def _key(request):
    return f"orgs:submissions:{client_address(request)}"


def may_submit(request):
    return cache.get(_key(request), 0) < settings.ORGS_SUBMISSIONS_PER_HOUR


def count_submission(request):
    key = _key(request)
    # add() opens the window only if none is open; incr() keeps the window's expiry.
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the window closed between the two calls
        cache.add(key, 1, timeout=WINDOW_SECONDS)
