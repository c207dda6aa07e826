"""Benchmark the search page: p50/p95 server time for a fixed mix of searches (with facets),
and for a bare Django view in the same run as the baseline. Prints figures; asserts nothing.

Every request is timed twice over: *cold*, with the directory's version bumped before it, so
that nothing kept applies and it runs every statement (what the first visitor after a change
waits for), and *warm*, the same request again with the directory unchanged (orgs/caching.py).
The mix is also reported in two parts, so that a few cheap requests cannot hide slow ones:
broad requests (more than BROAD of all listings in their results) and selective ones. Where a
cold request's time goes is printed too: the database's statements, the template's rendering,
and the rest (the view's Python, the cache).

Run with DEBUG off (DEBUG on records every query and is slower); `make bench` does it all.
"""

import statistics
import sys
import time
import types
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.template.backends.django import Template
from django.test import Client, override_settings
from django.urls import include, path

from orgs import caching
from orgs.filters import OrganisationFilter
from orgs.models import Organisation

# A request is broad when its results hold more than this share of all listings.
BROAD = 0.01

QUERY_MIX = [
    "q=forced+labour",
    "q=survivor+support+UK",
    "q=child+exploitation+online",
    "q=traffik",
    "q=shelter&pillar=recovery",
    "q=migrant+workers&type=charity-ngo&sort=founded",
    "q=helpline&page=2",
    "q=modern+slavery&min_years=10",
    "q=legal+aid+Kenya",
    "q=cocoa+or+fishing",
    "q=supply+chains+-garment",
    "q=harbor+beacon+network",
    "pillar=policy&country=GB",
    "pillar=education&pillar=recovery&hq=IN",
    "exploitation=forced-marriage&population=children",
]


def bare(request):
    return HttpResponse("ok")


class Stopwatch:
    """Milliseconds spent in database statements and in rendering templates since ``reset()``."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.sql = self.template = 0.0

    def statement(self, execute, *args):
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            self.sql += (time.perf_counter() - started) * 1000

    def rendering(self, render):
        def timed(*args, **kwargs):
            started, sql = time.perf_counter(), self.sql
            try:
                return render(*args, **kwargs)
            finally:
                # A statement the template runs counts as a statement only.
                self.template += (time.perf_counter() - started) * 1000 - (self.sql - sql)

        return timed


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Print p50/p95 server time of the search page and of a bare view."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Runs of each query.")

    def handle(self, *args, repeat, **options):
        urls = types.ModuleType("bench_urls")
        urls.urlpatterns = [path("bench/bare/", bare), path("", include("directory.urls"))]
        sys.modules["bench_urls"] = urls
        client = Client()
        self.stopwatch, self.cold_parts = Stopwatch(), []
        with (
            override_settings(ROOT_URLCONF="bench_urls"),
            connection.execute_wrapper(self.stopwatch.statement),
            mock.patch.object(Template, "render", self.stopwatch.rendering(Template.render)),
        ):
            cold = {q: self.time(client, f"/organisations/?{q}", repeat, True) for q in QUERY_MIX}
            warm = {q: self.time(client, f"/organisations/?{q}", repeat) for q in QUERY_MIX}
            baseline = self.time(client, "/bench/bare/", repeat * len(QUERY_MIX))
        count = Organisation.objects.published().count()
        results = {q: self.results(q) for q in QUERY_MIX}
        broad = [q for q in QUERY_MIX if results[q] > BROAD * count]
        selective = [q for q in QUERY_MIX if q not in broad]
        self.stdout.write(
            f"{connection.vendor}: {count} published organisations, {len(QUERY_MIX)} queries "
            f"x {repeat} runs; shared cache: {settings.CACHES['default']['BACKEND']}"
        )
        for label, times in [
            ("cold: directory version bumped before every request", cold),
            ("warm: the same request again, the directory unchanged", warm),
        ]:
            self.report(
                f"search page (with facets), {label}", [ms for q in QUERY_MIX for ms in times[q]]
            )
            for part, queries in [
                (f"broad (> {BROAD:.0%} of listings, {len(broad)} queries)", broad),
                (f"selective ({len(selective)} queries)", selective),
            ]:
                if queries:
                    self.report(f"  {part}", [ms for q in queries for ms in times[q]])
        self.report("bare Django view (baseline)", baseline)
        sql, template = zip(*self.cold_parts, strict=True)
        total = [ms for q in QUERY_MIX for ms in cold[q]]
        self.stdout.write("  where a cold request's time goes:")
        self.report("  database statements", sql)
        self.report("  rendering the template", template)
        self.report(
            "  the rest (the view's Python, the cache)",
            [t - s - r for t, s, r in zip(total, sql, template, strict=True)],
        )
        self.stdout.write("  per request (cold p50 / p95, warm p50 / p95), slowest cold first:")
        for query in sorted(QUERY_MIX, key=lambda q: -percentile(cold[q], 0.95)):
            self.stdout.write(
                f"  ?{query}  {results[query]} results, cold {self.figures(cold[query])}, "
                f"warm {self.figures(warm[query])}"
            )

    def results(self, query):
        params = QueryDict(query)
        listings = Organisation.objects.published()
        return OrganisationFilter(params, queryset=listings).qs.count()

    def time(self, client, url, repeat, cold=False):
        for _ in range(2):  # warm the other caches and the connection
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(repeat):
            if cold:  # as after a change: nothing kept for the directory as it is now
                caching.bump()
            self.stopwatch.reset()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            if cold:
                self.cold_parts.append((self.stopwatch.sql, self.stopwatch.template))
        return times

    def figures(self, times):
        return f"{statistics.median(times):.1f} / {percentile(times, 0.95):.1f} ms"

    def report(self, label, times):
        self.stdout.write(
            f"  {label}: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms ({len(times)} requests)"
        )
