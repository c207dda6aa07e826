"""Benchmark the search page: p50/p95 server time for a fixed mix of searches (with facets),
and for a bare Django view in the same run as the baseline. Prints figures; asserts nothing.

The mix is also reported in two parts, so that a few cheap requests cannot hide slow ones:
broad requests (more than BROAD of all listings in their results) and selective ones.

Run with DEBUG off (DEBUG on records every query and is slower); `make bench` does it all.
"""

import statistics
import sys
import time
import types

from django.core.management.base import BaseCommand
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.test import Client, override_settings
from django.urls import include, path

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
        with override_settings(ROOT_URLCONF="bench_urls"):
            per_query = {q: self.time(client, f"/organisations/?{q}", repeat) for q in QUERY_MIX}
            baseline = self.time(client, "/bench/bare/", repeat * len(QUERY_MIX))
        search = [ms for times in per_query.values() for ms in times]
        count = Organisation.objects.published().count()
        results = {q: self.results(q) for q in QUERY_MIX}
        broad = [q for q in QUERY_MIX if results[q] > BROAD * count]
        self.stdout.write(
            f"{connection.vendor}: {count} published organisations, {len(QUERY_MIX)} queries "
            f"x {repeat} runs"
        )
        self.report("search page (with facets)", search)
        for label, queries in [
            (f"broad (> {BROAD:.0%} of listings, {len(broad)} queries)", broad),
            (f"selective ({len(QUERY_MIX) - len(broad)} queries)", set(QUERY_MIX) - set(broad)),
        ]:
            if queries:
                self.report(f"  {label}", [ms for q in queries for ms in per_query[q]])
        self.report("bare Django view (baseline)", baseline)
        for query, times in sorted(per_query.items(), key=lambda item: -percentile(item[1], 0.95)):
            self.stdout.write(
                f"  ?{query}  {results[query]} results, p50 {statistics.median(times):.1f} ms, "
                f"p95 {percentile(times, 0.95):.1f} ms"
            )

    def results(self, query):
        params = QueryDict(query)
        listings = Organisation.objects.published()
        return OrganisationFilter(params, queryset=listings).qs.count()

    def time(self, client, url, repeat):
        for _ in range(2):  # warm caches and connections
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        return times

    def report(self, label, times):
        self.stdout.write(
            f"  {label}: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms ({len(times)} requests)"
        )
