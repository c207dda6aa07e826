"""gunicorn.conf.py: sized from the CPUs, no software banner, request limits, access log; a real
gunicorn serves the site with its security headers (on a migrated scratch SQLite file)."""

import multiprocessing
import runpy
import socket
import time

import pytest

from .servers import ROOT, Gunicorn, prepare_database, site_environment

SECURITY_HEADERS = [
    "content-security-policy",
    "permissions-policy",
    "cross-origin-resource-policy",
    "cross-origin-opener-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
]


def load_config(monkeypatch, **environment):
    for name in ["WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND", "GUNICORN_TIMEOUT"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_workers_and_threads_follow_the_cpu_count(monkeypatch):
    config = load_config(monkeypatch)
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["worker_class"] == "gthread"
    assert config["threads"] == 4
    assert config["bind"] == "127.0.0.1:8000"
    assert config["timeout"] == 30
    assert config["graceful_timeout"] == 30
    assert config["keepalive"] == 5
    assert config["accesslog"] == "-"


def test_the_environment_overrides_workers_threads_bind_and_timeout(monkeypatch):
    config = load_config(
        monkeypatch,
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="2",
        GUNICORN_BIND="0.0.0.0:9000",
        GUNICORN_TIMEOUT="12",
    )
    assert (config["workers"], config["threads"]) == (3, 2)
    assert config["bind"] == "0.0.0.0:9000"
    assert config["timeout"] == 12


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    environment = site_environment(f"sqlite:///{folder / 'site.sqlite3'}")
    prepare_database(environment)
    server = Gunicorn(environment, folder / "gunicorn.log")
    yield server
    server.stop()


def raw_request(port, head):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n")
        return sock.recv(65536).decode(errors="replace")


def test_gunicorn_sends_no_software_banner(gunicorn):
    for path in ["/healthz", "/"]:
        answer = gunicorn.get(path)
        assert answer.status == 200, answer.body
        assert answer.headers["server"] == "Pillars"
        assert "gunicorn" not in str(answer.headers).lower()


def test_pages_served_by_gunicorn_carry_the_security_headers(gunicorn):
    for path in ["/healthz", "/"]:
        answer = gunicorn.get(path)
        missing = [name for name in SECURITY_HEADERS if name not in answer.headers]
        assert not missing, f"{path} lacks {missing}"
    assert "object-src 'none'" in gunicorn.get("/").headers["content-security-policy"]


def test_gunicorn_refuses_a_request_with_too_many_headers(gunicorn):
    head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    assert raw_request(gunicorn.port, head).startswith("HTTP/1.1 200")
    many = head + "".join(f"X-Filler-{n}: x\r\n" for n in range(60))
    assert raw_request(gunicorn.port, many).startswith("HTTP/1.1 431")


def test_gunicorn_refuses_an_overlong_address(gunicorn):
    answer = gunicorn.get("/organisations/?q=" + "a" * 5000)
    assert answer.status == 414
    assert "gunicorn" not in str(answer.headers).lower()


def test_gunicorn_logs_each_request_to_stdout_with_its_time(gunicorn):
    gunicorn.get("/healthz?logged")

    def logged():
        return any(
            '"GET /healthz?logged HTTP/1.1" 200' in line and "ms" in line
            for line in gunicorn.log.splitlines()
        )

    # The worker writes its access line after answering: give a busy machine a moment.
    deadline = time.monotonic() + 10
    while not logged() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert logged(), gunicorn.log
