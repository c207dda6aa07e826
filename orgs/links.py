"""Checking the links the directory shows (``manage.py check_links``): every website, source,
donation, volunteering, register, helpline and evidence address of the listings that are not
archived, fetched with the standard library.

Polite by design: a user agent that names Pillars and where to read about it; one address at
a time per site (the sites are checked concurrently, a site's own addresses one after the
other, with a pause between them); timeouts; a bounded number of retries, only for answers
that may pass (timeouts, refused or reset connections, 5xx, 429). Redirects are followed and
where they led is recorded, so curators can update a link that moved.

What counts as a failure: no answer, or 404, 410 or a 5xx after the retries. A site that
refuses robots (401, 403, 429…) answered: it is shown to curators but never hidden from the
public, since a person can still open it.
"""

import http.client
import socket
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import caching
from .models import Assessment, LinkCheck, Organisation, Source

# An answer with one of these says the page is gone or the site is failing.
FAILING_STATUSES = {404, 410}
# Worth asking again after a pause.
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}


def user_agent():
    about = f"{settings.SITE_URL}/methodology/" if settings.SITE_URL else "no public address yet"
    return f"PillarsLinkChecker/1.0 (checks the links of the Pillars directory; +{about})"


@dataclass(frozen=True)
class Outcome:
    """What one address answered, after redirects and retries."""

    url: str
    ok: bool
    status_code: int | None = None
    final_url: str = ""
    error: str = ""
    attempts: int = 1

    @property
    def moved(self):
        return bool(self.final_url) and self.final_url != self.url


class Checker:
    def __init__(self, *, timeout=10.0, retries=2, pause=1.0, workers=8, opener=None):
        self.timeout = timeout
        self.retries = retries
        self.pause = pause
        self.workers = workers
        # Redirects are followed by the default handlers (at most 10 in a row, loops refused).
        self.opener = opener or urllib.request.build_opener()

    def fetch(self, url):
        """One request: the answer's status and final address, or why there was none."""
        if urlsplit(url).scheme not in {"http", "https"}:
            return Outcome(url, False, error="not a web address")
        request = urllib.request.Request(  # noqa: S310 (only http and https, checked above)
            url, headers={"User-Agent": user_agent(), "Accept": "text/html,*/*;q=0.8"}
        )
        try:
            # Only the status line and headers are read; the body is left unread.
            with self.opener.open(request, timeout=self.timeout) as response:
                return Outcome(url, True, response.status, response.geturl())
        except HTTPError as error:
            failing = error.code in FAILING_STATUSES or error.code >= 500
            reason = f"HTTP {error.code} {error.reason}".strip()
            return Outcome(url, not failing, error.code, error.geturl() or "", reason)
        except TimeoutError:
            return Outcome(url, False, error=f"no answer within {self.timeout:g} s")
        except URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                return Outcome(url, False, error=f"no answer within {self.timeout:g} s")
            if isinstance(reason, ConnectionRefusedError):
                return Outcome(url, False, error="connection refused")
            if isinstance(reason, socket.gaierror):
                return Outcome(url, False, error="the site's name does not resolve")
            return Outcome(url, False, error=str(reason)[:300])
        except (OSError, http.client.HTTPException, ValueError) as error:
            return Outcome(url, False, error=f"{type(error).__name__}: {error}"[:300])

    def check(self, url):
        """``fetch`` with retries for what may pass."""
        for attempt in range(1, self.retries + 2):
            outcome = self.fetch(url)
            transient = outcome.status_code is None or outcome.status_code in TRANSIENT_STATUSES
            if outcome.ok or not transient or attempt > self.retries:
                return Outcome(**{**outcome.__dict__, "attempts": attempt})
            time.sleep(self.pause * attempt)
        raise AssertionError("unreachable")

    def check_site(self, urls):
        outcomes = []
        for number, url in enumerate(urls):
            if number:
                time.sleep(self.pause)
            outcomes.append(self.check(url))
        return outcomes

    def check_all(self, urls):
        """Every address, the sites concurrently and a site's addresses in turn."""
        by_site = defaultdict(list)
        for url in sorted(set(urls)):
            by_site[urlsplit(url).netloc.lower()].append(url)
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return [
                outcome
                for outcomes in pool.map(self.check_site, by_site.values())
                for outcome in outcomes
            ]


def urls_in_use():
    """Every web address that a listing not archived shows, with the ids of those listings."""
    listings = Organisation.objects.exclude(status=Organisation.Status.ARCHIVED)
    used = defaultdict(set)
    for pk, *urls in listings.values_list("pk", *Organisation.LINK_FIELDS):
        for url in urls:
            used[url].add(pk)
    related = [
        Source.objects.filter(organisation__in=listings).values_list("url", "organisation_id"),
        Assessment.objects.filter(organisation__in=listings).values_list(
            "evidence_url", "organisation_id"
        ),
    ]
    for rows in related:
        for url, pk in rows:
            used[url].add(pk)
    return {url: ids for url, ids in used.items() if urlsplit(url).scheme in {"http", "https"}}


def listings_using(urls):
    """``{url: [listing, …]}`` for the given addresses, by name (three queries)."""
    urls = set(urls)
    using = defaultdict(set)
    fields = Q()
    for name in Organisation.LINK_FIELDS:
        fields |= Q(**{f"{name}__in": urls})
    listings = Organisation.objects.only("name", "slug", *Organisation.LINK_FIELDS)
    for organisation in listings.filter(fields):
        for name in Organisation.LINK_FIELDS:
            if getattr(organisation, name) in urls:
                using[getattr(organisation, name)].add(organisation)
    for source in Source.objects.filter(url__in=urls).select_related("organisation"):
        using[source.url].add(source.organisation)
    for assessment in Assessment.objects.filter(evidence_url__in=urls).select_related(
        "organisation"
    ):
        using[assessment.evidence_url].add(assessment.organisation)
    return {url: sorted(found, key=lambda o: o.name) for url, found in using.items()}


def record(outcomes, at=None):
    """Store the outcomes, one row per address; rows of addresses no longer used go."""
    at = at or timezone.now()
    outcomes = {outcome.url: outcome for outcome in outcomes}
    with transaction.atomic():
        existing = LinkCheck.objects.select_for_update().in_bulk(list(outcomes), field_name="url")
        created, updated = [], []
        for url, outcome in outcomes.items():
            check = existing.get(url)
            if check is None:
                check = LinkCheck(url=url)
                created.append(check)
            else:
                updated.append(check)
            check.record(outcome, at)
        LinkCheck.objects.bulk_create(created)
        LinkCheck.objects.bulk_update(
            updated,
            [
                "status_code",
                "error",
                "final_url",
                "checked_at",
                "consecutive_failures",
                "first_failed_at",
            ],
        )
        # A link found dead (or alive again) changes what profiles show: kept pages go.
        caching.changed()
    return created, updated


def forget_unused(in_use):
    """Drop the checks of addresses no listing uses any more."""
    stale = [pk for pk, url in LinkCheck.objects.values_list("pk", "url") if url not in in_use]
    return LinkCheck.objects.filter(pk__in=stale).delete()[0] if stale else 0
