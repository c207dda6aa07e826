"""Count, status codes and p50/p99 server time of each page type, from gunicorn's access log
(gunicorn.conf.py's format) on standard input."""

import re
import sys
from collections import Counter, defaultdict

LINE = re.compile(r'"GET (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ (?P<ms>\d+)ms')


def page_type(path):
    if path == "/":
        return "home"
    if path.startswith("/organisations/?"):
        return "search"
    if path.startswith("/organisations/"):
        return "profile"
    if path.startswith("/countries/"):
        return "country"
    return "other"


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


times = defaultdict(list)
statuses = defaultdict(Counter)
for line in sys.stdin:
    match = LINE.search(line)
    if match and match["path"] != "/bench/bare":  # the tail of the bare run's log
        kind = page_type(match["path"])
        times[kind].append(int(match["ms"]))
        statuses[kind][match["status"]] += 1
for kind in ["home", "search", "profile", "country", "other"]:
    if times[kind]:
        codes = " ".join(f"{code}:{n}" for code, n in sorted(statuses[kind].items()))
        print(
            f"  {kind:8} {len(times[kind]):6} requests  p50 {percentile(times[kind], 0.5):6} ms"
            f"  p99 {percentile(times[kind], 0.99):6} ms  ({codes})"
        )
