"""Production settings are safe: the deploy checks pass (with the environment docs/deploy.md
gives), nothing runs without a secret, and every variable the code reads is documented."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="pillars.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_the_bare_benchmark_view_is_not_found_unless_enabled(client, settings):
    assert not settings.BENCH_BARE_VIEW
    assert client.get("/bench/bare").status_code == 404
    settings.BENCH_BARE_VIEW = True
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.content == b"bare"


def test_the_bare_benchmark_view_is_off_by_default_in_production():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.BENCH_BARE_VIEW)",
        DEBUG="0",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def documented_environment():
    """The /etc/pillars/env block of docs/deploy.md, as a dict."""
    block = DEPLOY_GUIDE.read_text().split("# /etc/pillars/env\n", 1)[1].split("```", 1)[0]
    return dict(line.split("=", 1) for line in block.splitlines() if "=" in line and line[0] != "#")


@pytest.mark.parametrize(
    ("environment", "proxies"),
    [
        ({}, 0),
        ({"TRUSTED_PROXY_COUNT": "1"}, 1),
        ({"TRUSTED_PROXY_COUNT": "2"}, 2),
        ({"BEHIND_PROXY": "1"}, 1),  # the older setting still means one proxy
        ({"BEHIND_PROXY": "1", "TRUSTED_PROXY_COUNT": "2"}, 2),
    ],
)
def test_behind_a_trusted_proxy_its_https_header_is_trusted_too(environment, proxies):
    """One setting says there is a proxy: with TRUSTED_PROXY_COUNT alone, a request the proxy
    received over https is seen as secure (without it, SECURE_SSL_REDIRECT would redirect
    https to https for ever)."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.SECURE_PROXY_SSL_HEADER)",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        **{"TRUSTED_PROXY_COUNT": "", "BEHIND_PROXY": "", **environment},
    )
    header = "('HTTP_X_FORWARDED_PROTO', 'https')" if proxies else "None"
    assert result.stdout.strip().splitlines()[-1] == f"{proxies} {header}", result.stderr


def test_check_deploy_is_clean_with_the_environment_in_the_deployment_guide():
    environment = documented_environment()
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "ALLOWED_HOSTS",
        "TRUSTED_PROXY_COUNT",
    } <= set(environment)
    environment["SECRET_KEY"] = secrets.token_urlsafe(64)  # the guide's is a placeholder
    result = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_every_environment_variable_the_site_or_gunicorn_reads_is_in_the_deployment_guide():
    pattern = re.compile(r"(?:environ\.get|environ\[|env_bool|env_list)\(?\s*\"([A-Z_]+)\"")
    names = set()
    for source in ["directory/settings.py", "gunicorn.conf.py"]:
        names |= set(pattern.findall((ROOT / source).read_text()))
    assert {"DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS"} <= names
    guide = DEPLOY_GUIDE.read_text()
    assert [name for name in sorted(names) if f"`{name}`" not in guide] == []
