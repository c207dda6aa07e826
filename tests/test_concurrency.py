"""Writes to different listings never wait for each other (PostgreSQL, several connections).

Each test runs writers in threads, each with its own database connection, against a real
server: nothing any writing transaction does may take a lock that an unrelated listing's
write needs (no shared row, no table-wide DDL), and overlapping writes end without a deadlock
and without losing either one's change.
"""

import threading
import time

import pytest
from django.db import connections, transaction

from orgs.csv_import import import_listings
from orgs.models import Organisation

from .factories import OrganisationFactory

# Collected only in the PostgreSQL run (tests/conftest.py): SQLite has one writer by design.
pytestmark = pytest.mark.django_db(transaction=True)

# Far below the lock timeout (DB_LOCK_TIMEOUT_MS): a write that waits for another listing's
# transaction takes at least as long as that transaction stays open (HOLD).
QUICK = 1.0
HOLD = 4.0


def in_thread(work):
    """Run ``work`` on a connection of its own; the thread's outcome is returned by
    ``result()`` (its exception re-raised)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()

    def result(timeout=30):
        thread.join(timeout)
        assert not thread.is_alive(), "the writer never finished"
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    return result


def timed_save(pk, summary):
    started = time.monotonic()
    with transaction.atomic():
        organisation = Organisation.objects.get(pk=pk)
        organisation.summary = summary
        organisation.save()
    return time.monotonic() - started


def test_an_edit_completes_while_another_listing_is_held_open(vocabulary):
    a, b = OrganisationFactory.create_batch(2, pillars=["recovery"])
    holding = threading.Event()

    def hold_a():
        with transaction.atomic():
            a.name = "Held open"
            a.save()
            holding.set()
            time.sleep(HOLD)

    held = in_thread(hold_a)
    assert holding.wait(10)
    elapsed = in_thread(lambda: timed_save(b.pk, "Edited meanwhile"))()
    held()
    assert elapsed < QUICK
    assert Organisation.objects.get(pk=b.pk).summary == "Edited meanwhile"
    assert Organisation.objects.get(pk=a.pk).name == "Held open"


def test_a_bulk_action_and_single_edits_on_the_same_listings_neither_deadlock_nor_lose_writes(
    vocabulary,
):
    listings = OrganisationFactory.create_batch(6, pillars=["recovery"])
    ids = [organisation.pk for organisation in listings]
    rounds = 8

    def bulk_action():
        # As the admin's "Mark selected listings as reviewed today": one transaction, in order.
        for round_number in range(rounds):
            with transaction.atomic():
                for organisation in Organisation.objects.filter(pk__in=ids).order_by("pk"):
                    organisation.tags = f"round {round_number}"
                    organisation.save(update_fields=["tags", "updated_at"])

    def single_edits():
        # Curators saving one listing each, in the opposite order.
        for round_number in range(rounds):
            for pk in reversed(ids):
                with transaction.atomic():
                    organisation = Organisation.objects.get(pk=pk)
                    organisation.summary = f"edit {round_number}"
                    organisation.save(update_fields=["summary", "updated_at"])

    bulk, single = in_thread(bulk_action), in_thread(single_edits)
    bulk(), single()
    for organisation in Organisation.objects.filter(pk__in=ids):
        assert organisation.tags == f"round {rounds - 1}"
        assert organisation.summary == f"edit {rounds - 1}"


def test_a_csv_import_does_not_block_an_unrelated_curators_save(vocabulary):
    unrelated = OrganisationFactory(pillars=["recovery"])
    rows = "\n".join(f"imported-{n:04d},Imported {n},Imported listing" for n in range(150))
    written = threading.Event()

    def hold(stage, done, total):
        if stage == "written":  # inside the import's transaction, its rows written
            written.set()
            time.sleep(HOLD)

    def run_import():
        return import_listings(
            f"slug,name,summary\n{rows}\n".encode(), filename="big.csv", progress=hold
        )

    importing = in_thread(run_import)
    assert written.wait(30)
    elapsed = in_thread(lambda: timed_save(unrelated.pk, "Saved during an import"))()
    result = importing()
    assert not result.problems
    assert elapsed < QUICK
    assert Organisation.objects.filter(slug__startswith="imported-").count() == 150
