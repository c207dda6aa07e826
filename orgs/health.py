"""Probes for the process manager and the load balancer: /healthz says the process answers,
/readyz that it can reach its database and cache. Never cached, never in the sitemap."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    checks = {"database": _database(), "cache": _cache()}
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            **{k: "ok" if v else "unavailable" for k, v in checks.items()},
        },
        status=200 if ready else 503,
        headers={} if ready else {"Retry-After": "30"},
    )


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError as error:
        logger.warning("readyz: database unavailable: %s", error)
        connection.close_if_unusable_or_obsolete()
        return False


def _cache():
    try:
        cache.set("orgs:readyz", 1, 10)
        return cache.get("orgs:readyz") == 1
    except Exception as error:  # any backend's own error: Redis, the database cache
        logger.warning("readyz: cache unavailable: %s", error)
        return False
