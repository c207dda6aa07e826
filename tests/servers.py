"""Real servers for the tests that need one: gunicorn from gunicorn.conf.py, and a throwaway
PostgreSQL from bin/pg-server, each in its own process, started and stopped by the test."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = ROOT / "bin" / "pg-server"
NO_POSTGRESQL = 3  # bin/pg-server's exit status when PostgreSQL is not installed


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(database_url, **extra):
    """The production settings (tests/settings.py, DEBUG off) on the given database, with the
    database cache: nothing of the test run's own environment leaks in."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "WEB_CONCURRENCY"}
        and not key.startswith(("GUNICORN_", "DB_", "PYTEST_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
    )
    environment.update(extra)
    return environment


def manage(environment, *args, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def prepare_database(environment):
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "createcachetable")


@dataclass
class Answer:
    status: int | None  # None: no answer (the connection failed or timed out)
    headers: dict
    body: str
    seconds: float


def get(port, path, timeout=60, headers=None):
    """One request on a fresh connection, timed; never raises for a failed connection."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            body,
            time.monotonic() - started,
        )
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, {}, repr(error), time.monotonic() - started)
    finally:
        connection.close()


class Gunicorn:
    """gunicorn -c gunicorn.conf.py on a free port; its output is kept in `log`."""

    def __init__(self, environment, log_path, **extra):
        self.port = free_port()
        self.log_path = log_path
        env = {
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "4",
            **environment,
            **extra,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
        }
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while get(self.port, "/healthz", timeout=5).status != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"gunicorn did not start:\n{self.log}")
            time.sleep(0.2)

    @property
    def log(self):
        return Path(self.log_path).read_text()

    def get(self, path, **kwargs):
        return get(self.port, path, **kwargs)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def require_postgresql(reason):
    """A missing PostgreSQL skips loudly; under CI=true it fails the run (as in the Makefile)."""
    message = f"PostgreSQL is not installed: {reason} was NOT tested"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (under CI=true a missing PostgreSQL is a failure)", pytrace=False)
    pytest.skip(message)


class PostgreSQL:
    """A throwaway server of our own (bin/pg-server), which a test may stop, start, freeze.
    Its files are in a directory of its own under /tmp (the `postgres` user, which runs it
    when we are root, cannot enter pytest's private temporary folders)."""

    def __init__(self, reason):
        self.directory = tempfile.mkdtemp(prefix="pillars-pg.")
        result = self.run("start", check=False)
        if result.returncode == NO_POSTGRESQL:
            shutil.rmtree(self.directory, ignore_errors=True)
            require_postgresql(reason)
        assert result.returncode == 0, result.stderr
        self.url = result.stdout.strip()

    def run(self, command, check=True):
        result = subprocess.run(
            [str(PG_SERVER), command, self.directory],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def start(self):
        self.run("start")

    def stop(self):
        self.run("stop")

    def freeze(self):
        self.run("freeze")

    def thaw(self):
        self.run("thaw")

    def remove(self):
        self.run("remove", check=False)
