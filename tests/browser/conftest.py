"""Fixtures for what a visitor's browser receives: Debian's Chromium driven by Playwright
against pytest-django's live server, and Java for the Nu HTML validator.

Neither program comes from PyPI. `make test` installs both from Debian's packages when they are
missing and it may (see the Makefile's `system-tools` target). Here a missing one skips its
tests with the reason, except under CI=true, where it fails them: CI must never pass by
checking nothing.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction

from orgs import caching

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these Chromium tries to reach Google's services, which this closed network refuses,
# and as root it needs --no-sandbox.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
screenshot_folders = set()


def require(found, what, how):
    """Skip (loudly, with the reason) when a system program is missing; under CI, fail."""
    if found:
        return
    message = f"{what} is missing: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (under CI=true a missing tool is a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for every browser test; each test opens its own context and page."""
    require(
        os.access(CHROMIUM, os.X_OK),
        f"Chromium ({CHROMIUM})",
        "`make test` installs Debian's chromium package; or `apt-get install chromium`",
    )
    from playwright.sync_api import sync_playwright

    test_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop running in this thread. Django then
        # refuses database calls here, and would open a second set of connections that lack
        # the test database's snapshot for serialised rollbacks. The tests touch the database
        # only between browser steps, so they keep their own connections and may use them.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, test_connection in test_connections.items():
            connections[alias] = test_connection
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# The rows the first load of the seeded directory wrote, by table: [(table, columns, rows)].
seeded_rows = []


def table_rows(cursor):
    """Every row of every table of the project's models, by table, with the columns a row can
    be written back with (PostgreSQL computes the search documents' generated vector)."""
    quote = connection.ops.quote_name
    tables = {}
    for table in connection.introspection.django_table_names(only_existing=True):
        columns = [
            column.name for column in connection.introspection.get_table_description(cursor, table)
        ]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attgenerated <> ''",
                [quote(table)],
            )
            generated = {name for (name,) in cursor.fetchall()}
            columns = [name for name in columns if name not in generated]
        names = ", ".join(quote(name) for name in columns)
        cursor.execute(f"SELECT {names} FROM {quote(table)}")  # noqa: S608 (schema's names)
        tables[table] = (columns, cursor.fetchall())
    return tables


def load_seeded_directory():
    """Load the seeded directory and keep the rows it wrote."""
    with connection.cursor() as cursor:
        before = table_rows(cursor)
        call_command("load_directory", verbosity=0)
        after = table_rows(cursor)
    for table, (columns, rows) in after.items():
        if sorted(map(repr, rows)) == sorted(map(repr, before[table][1])):
            continue
        # Only rows the load added can be written back after the flush, over the data
        # migrations' rows that the serialised rollback restores.
        assert not before[table][1], f"load_directory changed rows it did not write in {table}"
        seeded_rows.append((table, columns, rows))


def restore_seeded_directory():
    """Write back the rows of the first load, as it wrote them. SQLite's full-text index
    follows the search documents through its triggers; PostgreSQL computes each document's
    vector. The sequences are moved past the restored ids, and the directory's version is
    bumped, as the loader does."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in seeded_rows:
            names = ", ".join(quote(name) for name in columns)
            row = f"({', '.join(['%s'] * len(columns))})"
            # Many rows per statement: one round trip per row costs seconds on PostgreSQL.
            batch = (connection.features.max_query_params or 65535) // len(columns)
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                values = ", ".join([row] * len(chunk))
                insert = f"INSERT INTO {quote(table)} ({names}) VALUES {values}"  # noqa: S608
                cursor.execute(insert, [value for row_values in chunk for value in row_values])
        tables = {table for table, _, _ in seeded_rows}
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in tables
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        caching.changed()


@pytest.fixture
def directory(transactional_db, django_db_serialized_rollback):
    """The seeded directory, committed so that the live server's thread sees it. The flush after
    each test also empties the tables a data migration filled (criteria, roles); the serialised
    rollback puts them back.

    Loading takes seconds (tens of them on a busy PostgreSQL): the first test loads it, and
    each later one gets the same rows back in a few INSERTs per table."""
    if seeded_rows:
        restore_seeded_directory()
    else:
        load_seeded_directory()


@pytest.fixture
def context(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def screenshot_folder():
    """var/screenshots/<database vendor>/, emptied so that it holds only this run's pictures."""
    folder = SCREENSHOTS / connection.vendor
    if folder not in screenshot_folders:  # emptied once per run, then shared by the tests
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        screenshot_folders.add(folder)
    return folder


@pytest.fixture(scope="session")
def java():
    require(
        shutil.which("java"),
        "Java, which runs the Nu HTML validator,",
        "`make test` installs Debian's default-jre-headless package",
    )


def pytest_terminal_summary(terminalreporter):
    for folder in sorted(screenshot_folders):
        terminalreporter.write_line(f"Screenshots of every page type (phone and desktop): {folder}")
