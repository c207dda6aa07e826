"""load_directory: the seeded file meets the directory's floors and loads idempotently,
without ever overwriting a curator's edit or reviving an archived listing."""

import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from orgs.models import Organisation, Pillar, Source

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
    assert Organisation.objects.published().count() == len(seed_data["organisations"])
    assert Pillar.objects.count() == 4
    stop = Organisation.objects.get(slug="stop-the-traffik")
    assert stop.sources.exists()
    assert stop.pillars.filter(slug="intelligence").exists()


def test_loading_twice_changes_and_duplicates_nothing(seed_data):
    load()
    before = {o.slug: (o.updated_at, o.snapshot()) for o in Organisation.objects.all()}
    sources = Source.objects.count()
    load()
    after = {o.slug: (o.updated_at, o.snapshot()) for o in Organisation.objects.all()}
    assert after == before
    assert Source.objects.count() == sources


def test_reloading_keeps_a_curators_edit(seed_data):
    load()
    organisation = Organisation.objects.get(slug="stop-the-traffik")
    organisation.summary = "Edited by a curator."
    organisation.save()
    load()
    assert Organisation.objects.get(slug="stop-the-traffik").summary == "Edited by a curator."


def test_reloading_keeps_a_curators_change_of_pillars(seed_data):
    load()
    organisation = Organisation.objects.get(slug="stop-the-traffik")
    organisation.pillars.set(Pillar.objects.filter(slug="policy"))
    load()
    assert [p.slug for p in organisation.pillars.all()] == ["policy"]


def test_reloading_does_not_bring_back_an_archived_listing(seed_data):
    load()
    Organisation.objects.filter(slug="polaris").update(status=Organisation.Status.ARCHIVED)
    load()
    assert Organisation.objects.get(slug="polaris").status == Organisation.Status.ARCHIVED
    assert not Organisation.objects.published().filter(slug="polaris").exists()


def test_reloading_updates_an_untouched_listing_from_a_changed_file(seed_data, tmp_path):
    load()
    seed_data["organisations"][0]["summary"] = "A corrected summary."
    load(write(tmp_path, seed_data))
    slug = seed_data["organisations"][0]["slug"]
    assert Organisation.objects.get(slug=slug).summary == "A corrected summary."


def test_each_load_that_writes_a_listing_records_it_once_with_its_lists(seed_data, tmp_path):
    def pillars_of(record):
        return sorted(row.pillar.slug for row in record.pillars.all())

    load()
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


def test_loading_never_overwrites_a_curated_pillar_description(seed_data):
    load()
    Pillar.objects.filter(slug="policy").update(description="Curated words.")
    load()
    assert Pillar.objects.get(slug="policy").description == "Curated words."
