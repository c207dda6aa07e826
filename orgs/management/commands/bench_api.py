"""Benchmark the JSON API's organisation list: p50/p95 server time of a 50-item page for a
fixed mix of filters and searches (the same mix as the search page), with the rate limit
switched off. Prints figures; asserts nothing. `make bench` runs it after bench_search."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings

from orgs.models import Organisation

from .bench_search import QUERY_MIX, percentile

API_MIX = ["", "sort=founded&page=3", *QUERY_MIX]


class Command(BaseCommand):
    help = "Print p50/p95 server time of /api/v1/organisations/ with 50-item pages."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Runs of each query.")

    def handle(self, *args, repeat, **options):
        client = Client()
        times = {}
        with override_settings(RATELIMIT_ENABLE=False):
            for query in API_MIX:
                url = f"/api/v1/organisations/?page_size=50&{query}"
                assert client.get(url).status_code == 200, url  # warm the connection
                runs = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.get(url)
                    runs.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, url
                times[query] = runs
        every = [ms for runs in times.values() for ms in runs]
        count = Organisation.objects.published().count()
        self.stdout.write(
            f"{connection.vendor}: {count} published organisations; /api/v1/organisations/ "
            f"50-item pages, {len(API_MIX)} queries x {repeat} runs: "
            f"p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 0.95):.1f} ms"
        )
        for query in sorted(API_MIX, key=lambda q: -percentile(times[q], 0.95)):
            self.stdout.write(
                f"  ?{query or '(no filter)'}  p50 {statistics.median(times[query]):.1f} / "
                f"p95 {percentile(times[query], 0.95):.1f} ms"
            )
