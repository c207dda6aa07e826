"""How often one client may send something to the curators: at most
``ORGS_SUBMISSIONS_PER_HOUR`` suggestions and corrections an hour, counted by django-ratelimit
in the "default" cache, which every worker shares (Redis, or the database cache).

The client is ``orgs.client_ip.client_key``: the address the outermost trusted proxy saw (never
a client-written X-Forwarded-For entry), an IPv6 client counted by its /64."""

from django.conf import settings
from django_ratelimit.core import get_usage

from .client_ip import client_key

GROUP = "orgs:submissions"


def _rate(group, request):
    return f"{settings.ORGS_SUBMISSIONS_PER_HOUR}/h"


def _key(group, request):
    return client_key(request)


def _usage(request, increment):
    return get_usage(request, group=GROUP, key=_key, rate=_rate, increment=increment)


def seconds_until_allowed(request):
    """None while this client may send something; otherwise how long until it may, from one
    read of its counter (for ``Retry-After``)."""
    usage = _usage(request, increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return None
    return max(int(usage["time_left"]), 1)


def count_submission(request):
    _usage(request, increment=True)
