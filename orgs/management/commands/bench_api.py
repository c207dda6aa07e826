"""Benchmark the JSON API's organisation list: p50/p95 server time of a 50-item page for a
fixed mix of filters and searches (the same mix as the search page), cold (the directory's
version bumped before each request, so no kept search result applies) and warm, with a bare
Django view in the same run as the baseline and the rate limit switched off. Prints figures;
asserts nothing. `make bench` runs it after bench_search."""

import sys
import types

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import include, path

from orgs.models import Organisation

from . import bench_search
from .bench_search import QUERY_MIX, bare, percentile

API_MIX = ["", "sort=founded&page=3", *QUERY_MIX]


class Command(bench_search.Command):
    """Times and reports requests as bench_search does."""

    help = "Print p50/p95 server time of /api/v1/organisations/ with 50-item pages."

    def handle(self, *args, repeat, **options):
        urls = types.ModuleType("bench_api_urls")
        urls.urlpatterns = [path("bench/bare/", bare), path("", include("directory.urls"))]
        sys.modules["bench_api_urls"] = urls
        client = Client()
        with override_settings(RATELIMIT_ENABLE=False, ROOT_URLCONF="bench_api_urls"):
            pages = {q: f"/api/v1/organisations/?page_size=50&{q}" for q in API_MIX}
            cold = {q: self.time(client, url, repeat, cold=True) for q, url in pages.items()}
            warm = {q: self.time(client, url, repeat) for q, url in pages.items()}
            baseline = self.time(client, "/bench/bare/", repeat * len(API_MIX))
        count = Organisation.objects.published().count()
        self.stdout.write(
            f"{connection.vendor}: {count} published organisations; /api/v1/organisations/ "
            f"50-item pages, {len(API_MIX)} queries x {repeat} runs; shared cache: "
            f"{settings.CACHES['default']['BACKEND']}"
        )
        for label, times in [
            ("cold: directory version bumped before every request", cold),
            ("warm: the same request again, the directory unchanged", warm),
        ]:
            self.report(f"API page, {label}", [ms for runs in times.values() for ms in runs])
        self.report("bare Django view (baseline)", baseline)
        self.stdout.write("  per request (cold p50 / p95, warm p50 / p95), slowest warm first:")
        for query in sorted(API_MIX, key=lambda q: -percentile(warm[q], 0.95)):
            self.stdout.write(
                f"  ?{query or '(no filter)'}  cold {self.figures(cold[query])}, "
                f"warm {self.figures(warm[query])}"
            )
