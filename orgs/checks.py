"""System checks for settings that would quietly break the site in production."""

from django.conf import settings
from django.core.checks import Error, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register()
def shared_default_cache(app_configs, **kwargs):
    """Rate limits and login throttling count in the "default" cache: kept per process, each
    of N workers would allow N times the limit."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES or settings.WEB_CONCURRENCY == 1:
        return []
    return [
        Error(
            f'The "default" cache ({backend.rsplit(".", 1)[-1]}) is kept per process, so rate '
            "limits would not hold across workers.",
            hint="Set REDIS_URL, or leave CACHES to the database cache, or set "
            "WEB_CONCURRENCY=1 if exactly one process serves the site.",
            id="orgs.E001",
        )
    ]
