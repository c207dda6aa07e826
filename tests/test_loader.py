"""load_directory: the seeded file meets the directory's floors and loads idempotently,
without ever overwriting a curator's edit or reviving an archived listing."""

import hashlib
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from orgs.models import Organisation, Pillar, Source

from .conftest import kept_for_the_class

pytestmark = pytest.mark.django_db


def load(path=None):
    args = ["--file", str(path)] if path else []
    call_command("load_directory", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115


def write(tmp_path, data):
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_seeded_file_meets_the_directory_floors(seed_data):
    organisations = seed_data["organisations"]
    assert len(organisations) >= 40
    assert any(o["name"] == "STOP THE TRAFFIK" for o in organisations)
    assert len({o["hq_country"] for o in organisations}) >= 15
    pillar_counts = Counter(p for o in organisations for p in o["pillars"])
    assert {slug: pillar_counts[slug] >= 8 for slug in pillar_counts} == {
        "intelligence": True,
        "education": True,
        "policy": True,
        "recovery": True,
    }
    for record in organisations:
        assert record["sources"], record["slug"]
        assert all(
            s["url"].startswith("https://") or s["url"].startswith("http://")
            for s in record["sources"]
        )
        assert len(record["summary"]) <= 300, record["slug"]


def test_loading_publishes_the_seeded_directory(seed_data):
    load()
    marked_published = [o for o in seed_data["organisations"] if o["status"] == "published"]
    assert Organisation.objects.published().count() == len(marked_published)
    assert Pillar.objects.count() == 4
    stop = Organisation.objects.get(slug="stop-the-traffik")
    assert stop.sources.exists()
    assert stop.pillars.filter(slug="intelligence").exists()


def test_a_bad_record_loads_nothing_and_names_the_problem(seed_data, tmp_path):
    seed_data["organisations"][1]["pillars"] = ["rescue"]
    seed_data["organisations"][2]["founded"] = 1066
    seed_data["organisations"][3]["sources"] = []
    with pytest.raises(CommandError) as error:
        load(write(tmp_path, seed_data))
    message = str(error.value)
    assert "unknown pillars: rescue" in message
    assert "founded" in message
    assert "needs at least one source" in message
    assert Organisation.objects.count() == 0


# --- Issue 14: source kinds and titles, curator notes, every criterion assessed -----------


def stop_record(seed_data):
    return next(r for r in seed_data["organisations"] if r["slug"] == "stop-the-traffik")


def with_issue_14_fields(record):
    """The record as the researched file gives it: sources with kind and title, every
    criterion assessed, "unknown" ones with no evidence and a note for curators."""
    record["curator_note"] = "Asked them for their accounts in November."
    record["sources"][0].update(kind="own-site", title="About us")
    record["sources"].append(
        {
            "url": "https://mirror.example.org/stop-the-traffik",
            "supports": "founding year",
            "kind": "copy",
            "title": "STOP THE TRAFFIK (mirror)",
        }
    )
    record["criteria"].update(
        {
            "publishes-accounts": {
                "result": "not-met",
                "evidence_url": "https://register.example.org/stop",
                "note": "No accounts filed for 2024.",
                "checked_on": "2026-11-20",
            },
            "survivor-centred": {
                "result": "unknown",
                "evidence_url": "",
                "note": "",
                "curator_note": "Searched their site and the press for survivor involvement.",
            },
        }
    )
    return record


def test_the_loader_takes_source_kinds_titles_and_curator_notes(seed_data, tmp_path):
    with_issue_14_fields(stop_record(seed_data))
    load(write(tmp_path, seed_data))
    stop = Organisation.objects.get(slug="stop-the-traffik")
    assert stop.curator_note == "Asked them for their accounts in November."
    assert stop.sources.first().title == "About us"
    mirror = stop.sources.get(url="https://mirror.example.org/stop-the-traffik")
    assert (mirror.kind, mirror.title) == ("copy", "STOP THE TRAFFIK (mirror)")
    unknown = stop.assessments.get(criterion__slug="survivor-centred")
    assert (unknown.result, unknown.evidence_url, unknown.curator_note) == (
        "unknown",
        "",
        "Searched their site and the press for survivor involvement.",
    )
    assert stop.assessments.get(criterion__slug="publishes-accounts").result == "not-met"
    before = {o.slug: o.updated_at for o in Organisation.objects.all()}
    load(write(tmp_path, seed_data))
    assert {o.slug: o.updated_at for o in Organisation.objects.all()} == before


def test_a_bad_source_kind_loads_nothing(seed_data, tmp_path):
    stop_record(seed_data)["sources"][0]["kind"] = "blog"
    with pytest.raises(CommandError, match="kind"):
        load(write(tmp_path, seed_data))
    assert not Organisation.objects.exists()


def test_a_listing_loaded_before_kinds_and_titles_existed_is_still_untouched(seed_data, tmp_path):
    """Its stored fingerprint was computed without the new fields: the loader must still
    recognise it as its own and bring it up to date, not take it for a curator's edit."""
    old_record = stop_record(seed_data)
    old_record.pop("curator_note", None)
    for source in old_record["sources"]:
        source.pop("kind", None)
        source.pop("title", None)
    load(write(tmp_path, seed_data))
    stop = Organisation.objects.get(slug="stop-the-traffik")
    old_snapshot = stop.snapshot()
    old_snapshot.pop("curator_note")
    old_snapshot["sources"] = [source[:2] for source in old_snapshot["sources"]]
    old_fingerprint = hashlib.sha256(json.dumps(old_snapshot, sort_keys=True).encode())
    assert stop.seed_fingerprint == old_fingerprint.hexdigest()

    with_issue_14_fields(old_record)
    load(write(tmp_path, seed_data))
    assert Organisation.objects.get(slug="stop-the-traffik").curator_note.startswith("Asked")


def test_a_listing_headquartered_in_kosovo_loads_and_has_a_country_page(
    seed_data, tmp_path, client
):
    record = stop_record(seed_data)
    record.update(hq_country="XK", countries=["XK", "AL"])
    load(write(tmp_path, seed_data))
    stop = Organisation.objects.get(slug="stop-the-traffik")
    assert stop.hq_country.name == "Kosovo"
    response = client.get("/countries/xk/")
    assert response.status_code == 200
    assert "Kosovo" in response.text
    assert "STOP THE TRAFFIK" in response.text


# --- Reloading: each test starts where a first load of the seeded file leaves the database ---


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The seeded file loaded once for the class: every test here would otherwise begin with
    a first load, which takes seconds (more on PostgreSQL)."""
    with kept_for_the_class(django_db_blocker):
        with django_db_blocker.unblock():
            load()
        yield


@pytest.mark.usefixtures("loaded")
class TestReloading:
    def test_loading_twice_changes_and_duplicates_nothing(self, seed_data):
        before = {o.slug: (o.updated_at, o.snapshot()) for o in Organisation.objects.all()}
        sources = Source.objects.count()
        load()
        after = {o.slug: (o.updated_at, o.snapshot()) for o in Organisation.objects.all()}
        assert after == before
        assert Source.objects.count() == sources

    def test_reloading_keeps_a_curators_edit(self, seed_data):
        organisation = Organisation.objects.get(slug="stop-the-traffik")
        organisation.summary = "Edited by a curator."
        organisation.save()
        load()
        assert Organisation.objects.get(slug="stop-the-traffik").summary == "Edited by a curator."

    def test_reloading_keeps_a_curators_change_of_pillars(self, seed_data):
        organisation = Organisation.objects.get(slug="stop-the-traffik")
        organisation.pillars.set(Pillar.objects.filter(slug="policy"))
        load()
        assert [p.slug for p in organisation.pillars.all()] == ["policy"]

    def test_reloading_does_not_bring_back_an_archived_listing(self, seed_data):
        Organisation.objects.filter(slug="polaris").update(status=Organisation.Status.ARCHIVED)
        load()
        assert Organisation.objects.get(slug="polaris").status == Organisation.Status.ARCHIVED
        assert not Organisation.objects.published().filter(slug="polaris").exists()

    def test_reloading_updates_an_untouched_listing_from_a_changed_file(self, seed_data, tmp_path):
        seed_data["organisations"][0]["summary"] = "A corrected summary."
        load(write(tmp_path, seed_data))
        slug = seed_data["organisations"][0]["slug"]
        assert Organisation.objects.get(slug=slug).summary == "A corrected summary."

    def test_each_load_that_writes_a_listing_records_it_once_with_its_lists(
        self, seed_data, tmp_path
    ):
        def pillars_of(record):
            return sorted(row.pillar.slug for row in record.pillars.all())

        stop = Organisation.objects.get(slug="stop-the-traffik")
        (created,) = stop.history.all()
        assert created.history_type == "+"
        assert created.history_change_reason == "Loaded from the seeded directory"
        assert created.summary == stop.summary
        assert pillars_of(created) == sorted(p.slug for p in stop.pillars.all())

        record = next(r for r in seed_data["organisations"] if r["slug"] == "stop-the-traffik")
        record["pillars"] = ["policy"]
        load(write(tmp_path, seed_data))
        load(write(tmp_path, seed_data))
        updated, first = stop.history.all()
        assert (updated.history_type, first.history_id) == ("~", created.history_id)
        assert pillars_of(updated) == ["policy"]
        assert pillars_of(first) == pillars_of(created) != ["policy"]

    def test_loading_never_overwrites_a_curated_pillar_description(self, seed_data):
        Pillar.objects.filter(slug="policy").update(description="Curated words.")
        load()
        assert Pillar.objects.get(slug="policy").description == "Curated words."

    def test_a_curators_source_kind_is_kept_by_the_next_load(self, seed_data, tmp_path):
        stop = Organisation.objects.get(slug="stop-the-traffik")
        stop.sources.filter(pk=stop.sources.first().pk).update(kind="register")
        with_issue_14_fields(stop_record(seed_data))
        load(write(tmp_path, seed_data))
        assert stop.sources.first().kind == "register"
        assert stop.curator_note == ""

    def test_an_assessment_the_loader_wrote_is_updated_one_a_curator_changed_is_not(
        self, seed_data, tmp_path
    ):
        asi = Organisation.objects.get(slug="anti-slavery-international")
        registered = asi.assessments.get(criterion__slug="registered")
        registered.note = "A curator's words."
        registered.save()
        record = next(r for r in seed_data["organisations"] if r["slug"] == asi.slug)
        record["criteria"]["long-standing"]["evidence_url"] = "https://www.antislavery.org/history"
        record["criteria"]["registered"]["note"] = "The file's words."
        load(write(tmp_path, seed_data))
        assert asi.assessments.get(criterion__slug="long-standing").evidence_url == (
            "https://www.antislavery.org/history"
        )
        assert asi.assessments.get(criterion__slug="registered").note == "A curator's words."
