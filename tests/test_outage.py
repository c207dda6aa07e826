"""A sick database, for real: gunicorn (gunicorn.conf.py) in front of a throwaway PostgreSQL
that the test stops, starts again, freezes and thaws. Visitors get a friendly 503 with
Retry-After while it is away, the probes tell the load balancer, and the site comes back by
itself, without restarting the web server. The figures are in docs/deploy.md."""

import threading
import time

import pytest

from .servers import Gunicorn, PostgreSQL, prepare_database, site_environment

CONNECT_TIMEOUT = 2  # seconds (DB_CONNECT_TIMEOUT, 5 in production)
FROZEN_FOR = 3  # seconds


@pytest.fixture(scope="module")
def database():
    server = PostgreSQL("a database outage")
    try:
        prepare_database(site_environment(server.url))
        yield server
    finally:
        server.remove()


@pytest.fixture
def site(database, tmp_path):
    servers = []

    def start(**environment):
        server = Gunicorn(
            site_environment(database.url, DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT)),
            tmp_path / f"gunicorn-{len(servers)}.log",
            **environment,
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def workers_booted(server):
    return server.log.count("Booting worker")


def in_background(server, path):
    answers = []
    thread = threading.Thread(target=lambda: answers.append(server.get(path)), daemon=True)
    thread.start()
    return thread, answers


def assert_friendly_503(answer):
    assert answer.status == 503, answer.body
    assert answer.headers["retry-after"] == "30"
    assert "Back in a moment" in answer.body
    assert "try again" in answer.body


def test_a_stopped_database_is_a_503_and_the_site_recovers_when_it_returns(database, site):
    server = site()
    assert server.get("/").status == 200
    database.stop()
    try:
        answer = server.get("/")
        assert_friendly_503(answer)
        assert answer.seconds < 1
        assert server.get("/organisations/?q=shelter").status == 503
        assert server.get("/readyz").status == 503
        assert server.get("/healthz").status == 200
    finally:
        database.start()
    assert server.get("/").status == 200
    assert server.get("/readyz").status == 200
    assert workers_booted(server) == 1, "the web server was restarted"


def test_a_frozen_database_is_a_503_within_the_connect_timeout(database, site):
    """Without kept connections (CONN_MAX_AGE=0) every request connects, and connecting to a
    frozen server gives up after DB_CONNECT_TIMEOUT."""
    server = site(CONN_MAX_AGE="0")
    assert server.get("/").status == 200
    database.freeze()
    try:
        visitors = [in_background(server, path) for path in ["/", "/countries/", "/readyz"]]
        assert server.get("/healthz").seconds < 1
        for thread, _ in visitors:
            thread.join(timeout=CONNECT_TIMEOUT + 10)
        home, countries, ready = (answers[0] for _, answers in visitors)
        assert_friendly_503(home)
        assert countries.status == 503
        assert ready.status == 503
        for answer in (home, countries, ready):
            assert CONNECT_TIMEOUT - 0.5 < answer.seconds < CONNECT_TIMEOUT + 3
    finally:
        database.thaw()
    assert server.get("/").status == 200
    assert workers_booted(server) == 1


def test_a_request_on_a_kept_connection_waits_for_a_frozen_database_then_is_answered(
    database, site
):
    """The documented limit (docs/deploy.md): a connection already open to a frozen server
    waits for it, whatever the timeouts (they are enforced by the frozen server itself), and
    gunicorn's timeout does not end a gthread worker's request. The proxy's
    proxy_read_timeout answers the visitor; the request itself completes on thaw."""
    server = site(GUNICORN_THREADS="1", GUNICORN_TIMEOUT="2")
    assert server.get("/").status == 200
    database.freeze()
    try:
        thread, answers = in_background(server, "/")
        time.sleep(FROZEN_FOR)
        assert answers == [], "answered while the database was frozen"
    finally:
        database.thaw()
    thread.join(timeout=30)
    assert answers[0].status == 200
    assert answers[0].seconds >= FROZEN_FOR
    assert workers_booted(server) == 1, "gunicorn restarted the worker"
