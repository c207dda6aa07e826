"""check_links against a local server that answers 200, 301, 404, 500, never in time, or not at
all: what each link answered is recorded, a link dead for two checks leaves the profile, and
curators get the queue. The checker never reaches any other address in these tests."""

import io
import json
import socket
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from orgs import links
from orgs.models import Assessment, Criterion, LinkCheck, Source
from orgs.models import links as link_checks

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 2


class Handler(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        Handler.hits.append((self.path, self.headers.get("User-Agent")))
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        status = {"/ok": 200, "/slow": 200, "/moved": 301, "/missing": 404, "/robots-no": 403}
        status = status.get(self.path, 500)
        try:
            self.send_response(status)
            if status == 301:
                self.send_header("Location", "/ok")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"hi")
        except BrokenPipeError:  # the checker stopped waiting (/slow)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def only_this_machine(monkeypatch):
    """Any name other than 127.0.0.1 fails to resolve: nothing here can reach outside."""
    resolve = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in {"127.0.0.1", b"127.0.0.1"}:
            raise socket.gaierror(f"tests may not resolve {host!r}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture
def server():
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused():
    """An address where nothing listens: a port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def listing(vocabulary, server, refused):
    """A published listing whose every link is on the local server."""
    organisation = OrganisationFactory(
        name="Local Trust",
        slug="local",
        website=f"{server}/ok",
        donate_url=f"{server}/missing",
        volunteer_url=f"{server}/moved",
        helpline_url=refused,
        sources=[],
        pillars=["recovery"],
    )
    Source.objects.create(
        organisation=organisation, url=f"{server}/error", supports="name", title="Error page"
    )
    Source.objects.create(
        organisation=organisation, url=f"{server}/ok", supports="founding", title="About us"
    )
    Assessment.objects.create(
        organisation=organisation,
        criterion=Criterion.objects.get(slug="long-standing"),
        result="met",
        evidence_url=f"{server}/slow",
        checked_on="2026-11-01",
    )
    return organisation


def check_links(expected_status=None):
    """The command's output; ``expected_status``: the exit status it must end with, if any."""
    out = io.StringIO()
    try:
        call_command(
            "check_links", "--timeout", "0.5", "--retries", "1", "--pause", "0", stdout=out
        )
    except CommandError as error:
        if error.returncode != expected_status:
            raise
        return out.getvalue() + f"\n{error}"
    return out.getvalue()


def test_each_answer_is_recorded_per_address(listing, server, refused):
    output = check_links()
    checks = {check.url: check for check in LinkCheck.objects.all()}
    assert set(checks) == {
        f"{server}/ok",
        f"{server}/moved",
        f"{server}/missing",
        f"{server}/error",
        f"{server}/slow",
        refused,
    }
    ok, moved = checks[f"{server}/ok"], checks[f"{server}/moved"]
    assert (ok.status_code, ok.consecutive_failures, ok.final_url) == (200, 0, f"{server}/ok")
    assert (moved.status_code, moved.consecutive_failures) == (200, 0)
    assert moved.final_url == f"{server}/ok" and moved.is_moved
    assert checks[f"{server}/missing"].status_code == 404
    assert checks[f"{server}/error"].status_code == 500
    assert "no answer within 0.5 s" in checks[f"{server}/slow"].error
    assert checks[refused].error == "connection refused"
    for url in [f"{server}/missing", f"{server}/error", f"{server}/slow", refused]:
        assert checks[url].consecutive_failures == 1, url
        assert checks[url].first_failed_at == checks[url].checked_at
    assert "6 links checked: 2 answered (1 moved), 4 failed (0 dead)" in output


def test_a_scheduled_run_prints_a_summary_first_and_fails_while_links_are_dead(
    listing, server, refused
):
    """What a weekly cron mail or the journal shows: the figures, then each link a curator
    should look at with the listings using it; the exit status says whether any is dead."""
    first = check_links()  # nothing dead yet: status 0
    assert first.splitlines()[0] == (
        "6 links checked: 2 answered (1 moved), 4 failed (0 dead); 0 no longer used forgotten."
    )
    assert "Failed once: still shown, hidden if they fail the next check:" in first
    assert f"  {server}/missing: HTTP 404 Not Found (Local Trust)" in first
    assert f"  {server}/moved: now at {server}/ok (Local Trust)" in first
    assert "The curators' queue: /admin/orgs/brokenlink/" in first
    second = check_links(expected_status=1)
    assert second.splitlines()[0].startswith(
        "6 links checked: 2 answered (1 moved), 4 failed (4 dead)"
    )
    assert "Dead: failed twice in a row, hidden from profiles:" in second
    assert f"  {refused}: connection refused (Local Trust)" in second
    assert second.endswith("4 links are dead (see above).")


def test_when_no_link_answers_nothing_is_recorded_or_hidden(client, vocabulary, refused):
    """This server offline for two weekly runs must not hide every link of the directory."""
    organisation = OrganisationFactory(
        website=refused, donate_url=f"{refused}give", sources=[], pillars=["recovery"]
    )
    for _ in range(2):
        output = check_links(expected_status=2)
        assert "None of the 2 links answered: is this server offline?" in output
    assert not LinkCheck.objects.exists()
    assert f'href="{refused}"' in client.get(organisation.get_absolute_url()).text


def test_the_checker_names_pillars_and_retries_only_what_may_pass(listing, server):
    check_links()
    paths = [path for path, _ in Handler.hits]
    # One retry for a 500 and a timeout; a 404 is final.
    assert paths.count("/error") == 2
    assert paths.count("/slow") == 2
    assert paths.count("/missing") == 1
    assert all(agent.startswith("PillarsLinkChecker/") for _, agent in Handler.hits)


def test_a_link_dead_for_two_checks_leaves_the_profile(client, listing, server, refused, committed):
    with committed():
        check_links()
    html = client.get(listing.get_absolute_url()).text
    # Failed once: perhaps a passing outage, still shown.
    assert f'href="{server}/missing"' in html
    assert f'href="{server}/error"' in html

    with committed():
        check_links(expected_status=1)
    failed_at = LinkCheck.objects.get(url=refused).first_failed_at
    html = client.get(listing.get_absolute_url()).text
    for url in [f"{server}/missing", f"{server}/error", f"{server}/slow", refused]:
        assert f'href="{url}"' not in html, url
    assert ">Donate<" not in html
    assert "Error page" not in html  # the source is left out
    assert "Evidence page no longer online" in html
    # What still answers is still shown.
    assert f'href="{server}/ok" rel="noopener external">Website<' in html
    assert f'href="{server}/moved" rel="noopener external">Volunteer<' in html
    assert "About us" in html
    assert LinkCheck.objects.get(url=refused).consecutive_failures == 2
    assert LinkCheck.objects.get(url=refused).first_failed_at == failed_at
    # Curators keep the source.
    assert listing.sources.filter(url=f"{server}/error").exists()


def test_a_link_that_answers_again_is_shown_again(client, listing, server):
    check_links()
    check_links(expected_status=1)
    LinkCheck.objects.filter(url=f"{server}/missing").update(url=f"{server}/ok-again")
    listing.donate_url = f"{server}/ok"
    listing.save()
    check_links(expected_status=1)
    assert not LinkCheck.objects.filter(url=f"{server}/ok-again").exists()  # no longer used
    html = client.get(listing.get_absolute_url()).text
    assert f'href="{server}/ok" rel="noopener external">Donate<' in html


def test_a_recovered_link_starts_counting_failures_again():
    check = LinkCheck(url="http://127.0.0.1/x")
    for outcome in [False, False, True]:
        check.record(links.Outcome(check.url, outcome, 200 if outcome else 500), at=None)
    assert (check.consecutive_failures, check.first_failed_at, check.is_dead) == (0, None, False)


def test_a_site_that_refuses_robots_is_shown_to_curators_but_never_hidden(
    client, curator, listing, server
):
    listing.website = f"{server}/robots-no"
    listing.save()
    check_links()
    check_links(expected_status=1)
    check = LinkCheck.objects.get(url=f"{server}/robots-no")
    assert (check.status_code, check.consecutive_failures) == (403, 0)
    assert f'href="{server}/robots-no"' in client.get(listing.get_absolute_url()).text
    client.force_login(curator)
    assert "HTTP 403 Forbidden" in client.get(reverse("admin:orgs_brokenlink_changelist")).text


def test_archived_listings_links_are_not_checked(vocabulary, server):
    OrganisationFactory(website=f"{server}/ok", sources=[], status="archived")
    check_links()
    assert not LinkCheck.objects.exists()
    assert Handler.hits == []


def test_curators_get_a_queue_of_broken_or_moved_links_with_who_uses_them(
    client, curator, listing, server, refused
):
    other = OrganisationFactory(name="Other Trust", website=f"{server}/missing", sources=[])
    check_links()
    check_links(expected_status=1)
    client.force_login(curator)
    response = client.get(reverse("admin:orgs_brokenlink_changelist"))
    assert response.status_code == 200
    html = response.text
    for url in [f"{server}/missing", f"{server}/error", f"{server}/slow", refused]:
        assert url in html
    assert f"{server}/moved" in html  # moved, with where it leads
    assert "HTTP 404 Not Found" in html
    row = html[html.index(f"{server}/missing") :]
    row = row[: row.index("</tr>")]
    for organisation in [listing, other]:
        change = reverse("admin:orgs_organisation_change", args=[organisation.pk])
        assert f'<a href="{change}">{organisation.name}</a>' in row
    # Links that answer where they were are not in the queue.
    assert f'class="field-url">{server}/ok<' not in html
    dead = client.get(reverse("admin:orgs_brokenlink_changelist") + "?problem=dead").text
    assert refused in dead and f"{server}/moved" not in dead


def test_the_checker_cannot_reach_an_outside_address_here():
    outcome = links.Checker(timeout=0.5, retries=0).check("https://example.org/")
    assert not outcome.ok
    assert outcome.error == "the site's name does not resolve"
    assert urlsplit(outcome.url).hostname == "example.org"


@pytest.fixture
def donors(vocabulary):
    """Two listings asking for donations: one link dead (two failed checks), one failed once."""
    now = timezone.now()
    dead = OrganisationFactory(
        name="Dead Link Trust",
        donate_url="https://gone.example/give",
        website="https://gone.example/",
        volunteer_url="https://gone.example/help",
        countries=["GB"],
        pillars=["recovery"],
    )
    alive = OrganisationFactory(
        name="Live Link Trust",
        donate_url="https://flaky.example/give",
        countries=["GB"],
        pillars=["recovery"],
    )
    for url in [dead.donate_url, dead.website, dead.volunteer_url]:
        LinkCheck.objects.create(url=url, checked_at=now, consecutive_failures=2)
    LinkCheck.objects.create(url=alive.donate_url, checked_at=now, consecutive_failures=1)
    return dead, alive


@pytest.mark.parametrize("path", ["/organisations/", "/pillars/recovery/", "/countries/gb/"])
def test_a_card_leaves_out_a_donate_link_found_dead(client, donors, path):
    dead, alive = donors
    html = client.get(path).text
    assert dead.name in html and alive.name in html
    assert f'href="{dead.donate_url}"' not in html
    assert f"> to {dead.name}<" not in html
    # One failure may be a passing outage: still shown.
    assert f'href="{alive.donate_url}"' in html


def test_a_comparison_leaves_out_links_found_dead(client, donors):
    dead, alive = donors
    html = client.get(reverse("orgs:compare"), {"o": [dead.slug, alive.slug]}).text
    for url in [dead.donate_url, dead.website, dead.volunteer_url]:
        assert f'href="{url}"' not in html, url
    assert f'href="{alive.donate_url}"' in html
    assert f'href="{alive.website}"' in html


@pytest.fixture
def dead_source(donors):
    """The listing with dead links also cites a source, and gives evidence, found dead."""
    dead, _ = donors
    url = "https://gone.example/report"
    Source.objects.create(organisation=dead, url=url, supports="founding year")
    Assessment.objects.create(
        organisation=dead, criterion=Criterion.objects.first(), result="met", evidence_url=url
    )
    LinkCheck.objects.create(url=url, checked_at=timezone.now(), consecutive_failures=2)
    return url


def assert_dead_links_left_out(text, donors, dead_source=None):
    dead, alive = donors
    for url in [dead.donate_url, dead.website, dead.volunteer_url, dead_source]:
        if url:
            assert url not in text, url
    # One failure may be a passing outage: still published.
    assert alive.donate_url in text


def test_the_api_leaves_out_links_found_dead(client, donors, dead_source):
    dead, alive = donors
    detail = client.get(reverse("opendata:api-organisation", kwargs={"slug": dead.slug})).json()
    assert (detail["website"], detail["donate_url"], detail["volunteer_url"]) == ("", "", "")
    assert dead_source not in [source["url"] for source in detail["sources"]]
    assert dead_source not in [row["evidence_url"] for row in detail["vetting"]]
    shown = client.get(reverse("opendata:api-organisation", kwargs={"slug": alive.slug})).json()
    assert shown["donate_url"] == alive.donate_url
    listing = client.get(reverse("opendata:api-organisations")).json()["results"]
    websites = {row["slug"]: row["website"] for row in listing}
    assert websites == {dead.slug: "", alive.slug: alive.website}
    text = json.dumps([detail, shown, listing])
    assert_dead_links_left_out(text, donors, dead_source)


def test_hsds_leaves_out_links_found_dead(client, donors):
    dead, _ = donors
    pages = [
        client.get(reverse(name)).json()["contents"]
        for name in ["opendata:hsds-organizations", "opendata:hsds-services"]
    ]
    one = client.get(reverse("opendata:hsds-service", kwargs={"id": dead.hsds_service_uuid}))
    organisation = client.get(
        reverse("opendata:hsds-organization", kwargs={"id": dead.hsds_organization_uuid})
    )
    text = json.dumps([pages, one.json(), organisation.json()])
    assert_dead_links_left_out(text, donors)
    zipped = client.get(reverse("opendata:hsds-datapackage")).content
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        tables = "".join(archive.read(name).decode() for name in archive.namelist())
    assert_dead_links_left_out(tables, donors)


def test_the_public_csv_leaves_out_links_found_dead(client, donors, dead_source):
    text = client.get(reverse("opendata:csv")).content.decode()
    assert donors[0].slug in text
    assert_dead_links_left_out(text, donors, dead_source)


def test_an_export_too_large_to_check_by_address_still_leaves_out_dead_links(
    client, donors, dead_source, monkeypatch
):
    # A whole directory has too many addresses to bind in one statement: every dead link is
    # read instead (as here, where the bound is lowered so that two listings exceed it).
    monkeypatch.setattr(link_checks, "CHECKED_BY_ADDRESS_UP_TO", 1)
    text = client.get(reverse("opendata:csv")).content.decode()
    assert donors[0].slug in text
    assert_dead_links_left_out(text, donors, dead_source)
