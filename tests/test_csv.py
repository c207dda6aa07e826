"""CSV export and import of listings: the format round-trips exactly, a file is imported
whole or not at all with every problem named by row and column, re-importing changes nothing,
history records who imported what, publishing stays gated, and no input causes a traceback."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from orgs.csv_format import (
    COLUMNS,
    escape_formula,
    format_criteria,
    parse_criteria,
    unescape_formula,
)
from orgs.csv_import import Problem, import_listings
from orgs.models import Assessment, Criterion, Language, Organisation, Population, Source

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orgs_organisation_changelist")
EXPORT = reverse("admin:orgs_organisation_export_csv")
IMPORT = reverse("admin:orgs_organisation_import_csv")
TRICKY_DESCRIPTION = (
    'Große "Hilfe", für alle — 支援, ñ, emoji 🙂;\nsecond line, with a comma\r\nthird | line'
)
MET = "https://evidence.example.org/"


def assess(
    organisation,
    criterion,
    result,
    evidence_url="",
    checked_on=None,
    note="",
    by=None,
    curator_note="",
):
    return Assessment.objects.create(
        organisation=organisation,
        criterion=Criterion.objects.get(slug=criterion),
        result=result,
        evidence_url=evidence_url,
        checked_on=checked_on,
        note=note,
        checked_by=by,
        curator_note=curator_note,
    )


@pytest.fixture
def organisation(organisation):
    """The shared published listing, vetted as publishing requires."""
    assess(organisation, "long-standing", "met", MET + "harbour", date(2025, 3, 1), "Since 1995.")
    return organisation


@pytest.fixture
def tricky(vocabulary):
    """A listing whose every field makes CSV work: quotes, commas, newlines, formulas."""
    organisation = OrganisationFactory(
        name='=HYPERLINK("http://evil.example")',
        slug="tricky",
        status=Organisation.Status.REVIEW,
        summary="'=already escaped-looking",
        description=TRICKY_DESCRIPTION,
        tags="shelters, aftercare",
        phone="+44 20 7946 0000",
        helpline_name="@helpline",
        helpline_phone="-1",
        email="help@tricky.example.org",
        registration_regulator="Charity Commission",
        registration_number="123,456",
        registration_url="https://register.example.org/123456",
        donate_url="https://tricky.example.org/donate",
        volunteer_url="https://tricky.example.org/volunteer",
        founded=None,
        hq_country="DE",
        last_reviewed_on=None,
        organisation_type="survivor-led",
        pillars=["policy", "recovery"],
        countries=["DE", "AT"],
        sources=[],
        curator_note="Founding year: two sources disagree.\nCheck the register, again.",
    )
    Source.objects.create(
        organisation=organisation,
        url="https://tricky.example.org/b",
        supports="name, aims",
        title='Über uns | "Tricky" e.V., title: kind:',
        kind=Source.Kind.OWN_SITE,
    )
    Source.objects.create(
        organisation=organisation,
        url="https://tricky.example.org/a",
        supports="founding year",
        kind=Source.Kind.COPY,
    )
    organisation.languages.set(Language.objects.filter(code__in=["de", "en"]))
    organisation.populations.set(Population.objects.all()[:2])
    # Created out of order; notes with commas, quotes, a leading "-", runs of spaces.
    assess(organisation, "local-partners", "not-met", MET + "partners", date(2025, 1, 2), "-")
    assess(
        organisation,
        "registered",
        "unknown",
        note='=Asked "them",  twice; no reply',
        curator_note="Searched the register for 'Tricky', curator note: nothing.",
    )
    assess(organisation, "long-standing", "met", MET + "tricky", date(2024, 12, 31))
    return organisation


@pytest.fixture
def listings(organisation, draft, archived, tricky):
    return [organisation, draft, archived, tricky]


def export():
    out = io.StringIO()
    call_command("export_orgs", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_file(tmp_path, text, *args, name="listings.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_orgs", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def csv_text(*rows, header=("slug", "name", "summary")):
    return "\r\n".join([",".join(header), *(",".join(row) for row in rows)]) + "\r\n"


def assessments():
    """Every assessment, as the CSV holds it, and who checked it."""
    return {
        (a.organisation.slug, a.criterion.slug): (
            a.result,
            a.checked_on,
            a.evidence_url,
            a.note,
            a.curator_note,
            a.checked_by_id,
        )
        for a in Assessment.objects.select_related("organisation", "criterion")
    }


def state():
    """Everything an import could change, to prove that it did not."""
    return (
        {o.slug: (o.updated_at, o.snapshot()) for o in Organisation.objects.all()},
        Organisation.history.count(),
        assessments(),
        Assessment.history.count(),
    )


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def text_of(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def with_cell(text, slug, column, value):
    """The exported ``text`` with one cell of one listing changed."""
    rows = rows_of(text)
    for row in rows:
        if row["slug"] == slug:
            row[column] = value
    return text_of(rows)


# --- The format ---------------------------------------------------------------------------


def test_export_has_the_documented_columns_and_every_status(listings):
    text = export()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert len(text.splitlines()) > 1
    rows = {line.split(",")[0] for line in text.splitlines()[1:] if "," in line}
    assert {"harbour-trust", "hidden-draft", "old-archive", "tricky"} <= rows


@pytest.mark.parametrize(
    "value", ["=1+1", "+44", "-1", "@x", "\tx", "'=x", "''+x", "'plain", "plain", "", "a=b"]
)
def test_formula_escape_round_trips(value):
    escaped = escape_formula(value)
    assert escaped[:1] not in {"=", "+", "-", "@", "\t"}
    assert unescape_formula(escaped) == value


def test_export_import_into_an_empty_database_export_again_is_byte_identical(listings, tmp_path):
    first = export()
    before = {o.slug: o.snapshot() for o in Organisation.objects.all()}
    vetting = assessments()
    Organisation.objects.all().delete()
    assert not Assessment.objects.exists()
    import_file(tmp_path, first)
    assert export() == first
    assert {o.slug: o.snapshot() for o in Organisation.objects.all()} == before
    assert assessments() == vetting
    assert Organisation.objects.get(slug="tricky").description == TRICKY_DESCRIPTION


def test_criteria_are_written_one_per_line_in_criterion_order(tricky):
    (row,) = rows_of(export())
    assert row["criteria"] == (
        f"long-standing met 2024-12-31 {MET}tricky\n"
        'registered unknown - - =Asked "them",  twice; no reply\n'
        "  curator note: Searched the register for 'Tricky', curator note: nothing.\n"
        f"local-partners not-met 2025-01-02 {MET}partners -"
    )


@pytest.mark.parametrize(
    "note", ["", "-", "plain", "  padded  ", "two  spaces", "a,b;c|d", '"quoted"', "ünï 🙂"]
)
def test_a_criteria_line_round_trips_its_note(note):
    line = ["registered", "unknown", None, "", note.strip(), ""]
    ((_, parsed),), misplaced = parse_criteria(format_criteria([line]))
    assert parsed == ["registered", "unknown", "", "", note.strip(), None]
    assert misplaced == []


def test_criteria_lines_may_come_in_any_order_and_case(organisation, tmp_path):
    organisation.assessments.all().delete()
    text = with_cell(
        export(),
        "harbour-trust",
        "criteria",
        f"  Registered UNKNOWN\n\nlong-standing met 2025-03-01 {MET}harbour Since 1995.",
    )
    import_file(tmp_path, text)
    (row,) = rows_of(export())
    assert row["criteria"] == (
        f"long-standing met 2025-03-01 {MET}harbour Since 1995.\nregistered unknown - -"
    )
    before = state()
    import_file(tmp_path, text)
    assert state() == before


def test_formula_cells_are_escaped_on_export_and_restored_on_import(tricky, tmp_path):
    text = export()
    assert "'=HYPERLINK" in text
    assert "'+44 20 7946 0000" in text
    assert "''=already" in text
    Organisation.objects.all().delete()
    import_file(tmp_path, text)
    restored = Organisation.objects.get(slug="tricky")
    assert restored.name == tricky.name
    assert restored.phone == "+44 20 7946 0000"
    assert restored.summary == "'=already escaped-looking"


def test_a_spreadsheets_utf8_bom_is_accepted(vocabulary, tmp_path):
    text = "\ufeff" + csv_text(["bom-test", "Ünïcode Trust", "Support."])
    import_file(tmp_path, text.encode("utf-8"))
    assert Organisation.objects.get(slug="bom-test").name == "Ünïcode Trust"


def test_missing_optional_columns_leave_those_parts_of_a_listing_alone(organisation, tmp_path):
    before = organisation.snapshot()
    vetting = assessments()
    import_file(tmp_path, csv_text(["harbour-trust", "Harbour Trust Renamed", before["summary"]]))
    after = Organisation.objects.get(slug="harbour-trust").snapshot()
    assert after == {**before, "name": "Harbour Trust Renamed"}
    assert assessments() == vetting


def test_sources_carry_title_and_kind_on_lines_of_their_own(tricky):
    (row,) = rows_of(export())
    assert row["sources"] == (
        "https://tricky.example.org/b name, aims\n"
        '  title: Über uns | "Tricky" e.V., title: kind:\n'
        "  kind: own-site\n"
        "https://tricky.example.org/a founding year\n"
        "  kind: copy"
    )
    assert row["curator_note"] == tricky.curator_note


def test_a_file_from_before_titles_kinds_and_curator_notes_keeps_them(tricky, tmp_path):
    """Files written before sources had a title and a kind, and assessments a curator note,
    still import, and leave those as they are."""
    before = state()
    rows = rows_of(export())
    del rows[0]["curator_note"]
    rows[0]["sources"] = (
        "https://tricky.example.org/b name, aims\nhttps://tricky.example.org/a founding year"
    )
    rows[0]["criteria"] = "\n".join(
        line for line in rows[0]["criteria"].splitlines() if "curator note:" not in line
    )
    import_file(tmp_path, text_of(rows))
    assert state() == before


def test_an_empty_title_line_clears_a_sources_title(tricky, tmp_path):
    cell = (
        "https://tricky.example.org/b name, aims\ntitle:\n"
        "https://tricky.example.org/a founding year"
    )
    import_file(tmp_path, with_cell(export(), "tricky", "sources", cell))
    assert list(tricky.sources.values_list("title", "kind")) == [("", "own-site"), ("", "copy")]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("title: Orphan\nhttps://x.org/ name", "line 1: write the URL"),
        ("https://x.org/ name\ntitle: A\ntitle: B", "line 3: write the URL"),
        ("https://x.org/ name\nkind: blog", "source 1 (https://x.org/): kind: Value 'blog'"),
        ("https://x.org/ name\ntitle: " + "t" * 301, "source 1 (https://x.org/): title: Ensure"),
    ],
)
def test_each_kind_of_bad_source_line_is_reported(vocabulary, cell, message):
    text = csv_text(
        ["a", "A", "S", '"' + cell + '"'], header=("slug", "name", "summary", "sources")
    )
    result = import_listings(text.encode(), filename="bad.csv")
    assert [(p.row, p.column) for p in result.problems] == [(2, "sources")]
    assert message in result.problems[0].message


def test_new_slug_creates_a_draft_with_lists_and_sources(vocabulary, tmp_path):
    header = ("slug", "name", "summary", "pillars", "countries", "languages", "sources")
    sources = '"https://new.example.org/a founding year\nhttps://new.example.org/b name"'
    out, _ = import_file(
        tmp_path,
        csv_text(
            ["new-one", "New One", "Support.", "Recovery| policy", "gb|NP", "en", sources],
            header=header,
        ),
    )
    assert "1 listings were created" in out
    created = Organisation.objects.get(slug="new-one")
    snapshot = created.snapshot()
    assert created.status == "draft"
    assert snapshot["pillars"] == ["policy", "recovery"]
    assert snapshot["countries"] == ["GB", "NP"]
    assert snapshot["sources"] == [
        ["https://new.example.org/a", "founding year", "", ""],
        ["https://new.example.org/b", "name", "", ""],
    ]


# --- All or nothing -------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_changes_nothing_and_names_row_column_reason(
    organisation, tmp_path
):
    before = state()
    text = csv_text(
        ["good-one", "Good One", "Support."],
        ["harbour-trust", "Harbour Renamed", "Support."],
        ["bad-one", "Bad One", "Support.", "not a url"],
        ["good-two", "Good Two", "Support."],
        header=("slug", "name", "summary", "website"),
    ).replace("Support.\r\n", "Support.,\r\n")
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, text)
    assert "row 4, column website: Enter a valid URL." in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert state() == before


@pytest.mark.parametrize(
    ("header", "row", "problem"),
    [
        (("slug", "name", "summary", "colour"), ["a", "A", "S", "red"], (1, "colour")),
        (("slug", "name"), ["a", "A"], (1, "summary")),
        (("slug", "name", "summary", "name"), ["a", "A", "S", "B"], (1, "name")),
        (("slug", "name", "summary", "pillars"), ["a", "A", "S", "rescue"], (2, "pillars")),
        (("slug", "name", "summary", "languages"), ["a", "A", "S", "xx"], (2, "languages")),
        (("slug", "name", "summary", "hq_country"), ["a", "A", "S", "UK"], (2, "hq_country")),
        (("slug", "name", "summary", "countries"), ["a", "A", "S", "GB|ZZ"], (2, "countries")),
        (("slug", "name", "summary", "founded"), ["a", "A", "S", "c. 1990"], (2, "founded")),
        (("slug", "name", "summary", "founded"), ["a", "A", "S", "1700"], (2, "founded")),
        (("slug", "name", "summary", "founded"), ["a", "A", "S", "2999"], (2, "founded")),
        (("slug", "name", "summary", "email"), ["a", "A", "S", "nobody@"], (2, "email")),
        (("slug", "name", "summary", "status"), ["a", "A", "S", "live"], (2, "status")),
        (
            ("slug", "name", "summary", "organisation_type"),
            ["a", "A", "S", "church"],
            (2, "organisation_type"),
        ),
        (
            ("slug", "name", "summary", "last_reviewed_on"),
            ["a", "A", "S", "25/11/2026"],
            (2, "last_reviewed_on"),
        ),
        (("slug", "name", "summary", "sources"), ["a", "A", "S", "https://x.org"], (2, "sources")),
        (("slug", "name", "summary", "sources"), ["a", "A", "S", "nourl text"], (2, "sources")),
        (("slug", "name", "summary"), ["not a slug", "A", "S"], (2, "slug")),
        (("slug", "name", "summary"), ["", "A", "S"], (2, "slug")),
        (("slug", "name", "summary"), ["a", "", "S"], (2, "name")),
        (("slug", "name", "summary"), ["a", "A", "S", "extra"], (2, "")),
        (("slug", "name", "summary"), ["a", "A" * 201, "S"], (2, "name")),
    ],
)
def test_each_kind_of_bad_cell_is_reported_by_row_and_column(vocabulary, header, row, problem):
    result = import_listings(csv_text(row, header=header).encode(), filename="bad.csv")
    assert (problem[0], problem[1]) in {(p.row, p.column) for p in result.problems}
    assert all(p.message for p in result.problems)
    assert not Organisation.objects.exists()


def test_duplicate_slugs_in_a_file_are_reported_on_the_later_row(vocabulary):
    text = csv_text(["twice", "A", "S"], ["other", "B", "S"], ["twice", "C", "S"])
    result = import_listings(text.encode(), filename="dup.csv")
    assert result.problems == [Problem(4, "slug", "twice is also on row 2")]
    assert not Organisation.objects.exists()


def test_row_numbers_count_a_multiline_cell_as_one_spreadsheet_row(vocabulary):
    text = csv_text(["a", "A", '"two\nlines"'], ["b", "B", "S"], ["c", "C", "S", "x"])
    result = import_listings(text.encode(), filename="rows.csv")
    assert [(p.row, p.column) for p in result.problems] == [(4, "")]


def test_dry_run_checks_everything_and_changes_nothing(organisation, tmp_path):
    before = state()
    out, _ = import_file(
        tmp_path, csv_text(["harbour-trust", "Renamed", "S"], ["new", "New", "S"]), "--dry-run"
    )
    assert "Dry run" in out and "1 listings would be created, 1 would be updated" in out
    assert state() == before


def test_command_prints_progress_to_stderr(vocabulary, tmp_path):
    rows = [[f"bulk-{n:04d}", f"Bulk {n}", "S"] for n in range(1500)]
    _, err = import_file(tmp_path, csv_text(*rows))
    assert "checked 1,000 of 1,500" in err
    assert "written 1,500 of 1,500" in err
    assert Organisation.objects.count() == 1500


def test_a_large_import_keeps_the_search_documents_current(vocabulary, tmp_path, client):
    rows = [[f"bulk-{n:04d}", f"Bulk {n}", "Lighthouse shelters"] for n in range(150)]
    header = ("slug", "name", "summary", "status", "pillars", "sources", "criteria")
    vetted = f"long-standing met 2026-01-01 {MET}"
    rows = [[*row, "published", "recovery", "https://x.example.org/ all", vetted] for row in rows]
    import_file(tmp_path, csv_text(*rows, header=header))
    assert Organisation.objects.search("lighthouse").count() == 150
    assert Assessment.objects.filter(result="met").count() == 150


# --- Re-import, history, the loader ------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(listings, tmp_path):
    text = export()
    before = state()
    assert Assessment.objects.count() == 4
    out, _ = import_file(tmp_path, text)
    assert "0 listings were created, 0 were updated, 4 unchanged" in out
    assert state() == before


def test_assessment_changes_are_recorded_and_only_changed_ones_take_the_importer(
    tricky, editor, curator, tmp_path
):
    Assessment.objects.update(checked_by=curator)
    text = with_cell(
        export(),
        "tricky",
        "criteria",
        f"long-standing met 2024-12-31 {MET}tricky\n"  # unchanged
        f"registered met 2026-02-01 {MET}register Found it.\n"  # changed
        f"survivor-centred not-met 2026-02-01 {MET}survivors",  # new; local-partners removed
    ).encode()
    before = {a.criterion.slug: a.history.count() for a in Assessment.objects.all()}
    result = import_listings(text, filename="vetting.csv", user=editor)
    assert result.applied and result.updated == 1
    now = {a.criterion.slug: a for a in tricky.assessments.select_related("criterion")}
    assert sorted(now) == ["long-standing", "registered", "survivor-centred"]
    assert now["long-standing"].checked_by == curator
    assert now["long-standing"].history.count() == before["long-standing"]
    assert (now["registered"].checked_by, now["survivor-centred"].checked_by) == (editor, editor)
    records = Assessment.history.filter(history_change_reason="CSV import vetting.csv")
    assert sorted((r.history_type, r.criterion.slug, r.history_user) for r in records) == [
        ("+", "survivor-centred", editor),
        ("-", "local-partners", editor),
        ("~", "registered", editor),
    ]
    changed = now["registered"].history.first()
    assert changed.diff_against(changed.prev_record).changed_fields == [
        "checked_by",
        "checked_on",
        "evidence_url",
        "note",
        "result",
    ]
    # The same file again writes nothing, history included.
    count = Assessment.history.count()
    assert import_listings(text, filename="vetting.csv", user=editor).unchanged == 1
    assert Assessment.history.count() == count


def test_the_command_records_no_checker(tricky, tmp_path):
    text = with_cell(export(), "tricky", "criteria", f"publishes-accounts met 2026-02-01 {MET}")
    import_file(tmp_path, text)
    (assessment,) = tricky.assessments.all()
    assert assessment.criterion.slug == "publishes-accounts"
    assert assessment.checked_by is None
    assert assessment.history.get().history_change_reason == "CSV import listings.csv"


def test_import_records_history_with_reason_and_no_noise(organisation, tmp_path):
    text = export().replace("Harbour Trust", "Harbour Trust CIC")
    count = organisation.history.count()
    import_file(tmp_path, text, name="harbour.csv")
    import_file(tmp_path, text, name="harbour.csv")
    assert organisation.history.count() == count + 1
    record = organisation.history.first()
    assert record.history_type == "~"
    assert record.history_change_reason == "CSV import harbour.csv"
    assert record.history_user is None
    assert record.name == "Harbour Trust CIC"
    assert sorted(row.pillar.slug for row in record.pillars.all()) == ["education", "recovery"]
    diff = record.diff_against(record.prev_record)
    assert diff.changed_fields == ["name"]


def test_new_listings_get_a_creation_record(vocabulary, tmp_path):
    import_file(tmp_path, csv_text(["fresh", "Fresh", "S"]), name="new.csv")
    record = Organisation.objects.get(slug="fresh").history.get()
    assert (record.history_type, record.history_change_reason) == ("+", "CSV import new.csv")


def test_load_directory_after_an_import_keeps_the_imported_values(tmp_path):
    call_command("load_directory", stdout=io.StringIO())
    text = export().replace("STOP THE TRAFFIK", "STOP THE TRAFFIK (imported)")
    import_file(tmp_path, text)
    call_command("load_directory", stdout=io.StringIO())
    assert Organisation.objects.get(slug="stop-the-traffik").name == "STOP THE TRAFFIK (imported)"


# --- Publishing ---------------------------------------------------------------------------


def test_publishing_through_an_import_needs_what_publishing_needs(vocabulary, tmp_path):
    header = ("slug", "name", "summary", "status", "pillars")
    text = csv_text(["no-source", "No Source", "S", "published", "policy"], header=header)
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, text)
    assert "row 2, column status: cannot be published: add at least one source" in str(error.value)
    assert not Organisation.objects.exists()


def test_removing_the_last_source_of_a_published_listing_is_refused(organisation, tmp_path):
    with pytest.raises(CommandError, match="cannot be published"):
        import_file(tmp_path, with_cell(export(), "harbour-trust", "sources", ""))
    assert organisation.sources.count() == 1


PUBLISHED_ROW = ["vetted", "Vetted", "S", "published", "policy", "https://vetted.example.org/ all"]
PUBLISHED_HEADER = ("slug", "name", "summary", "status", "pillars", "sources", "criteria")


@pytest.mark.parametrize(
    "criteria",
    [
        "",
        "long-standing unknown - -",
        f"long-standing not-met 2026-01-01 {MET}",
        f"registered met 2026-01-01 {MET}",
    ],
)
def test_publishing_through_an_import_needs_the_mandatory_criteria_met_in_the_file(
    vocabulary, criteria
):
    text = csv_text([*PUBLISHED_ROW, criteria], header=PUBLISHED_HEADER)
    result = import_listings(text.encode(), filename="p.csv")
    assert [(p.row, p.column) for p in result.problems] == [(2, "status")]
    assert "criterion “Long-standing work” is met" in result.problems[0].message
    assert not Organisation.objects.exists()
    assert not Assessment.objects.exists()


def test_a_listing_published_through_an_import_with_its_criteria_met(vocabulary):
    met = f'"long-standing met 2026-01-01 {MET}\nregistered unknown - -"'
    text = csv_text([*PUBLISHED_ROW, met], header=PUBLISHED_HEADER)
    assert import_listings(text.encode(), filename="p.csv").applied
    vetted = Organisation.objects.get(slug="vetted")
    assert vetted.is_published and vetted.publication_problems() == []
    assert vetted.assessments.count() == 2


def test_unmeeting_a_mandatory_criterion_of_a_published_listing_is_refused(organisation, tmp_path):
    text = with_cell(export(), "harbour-trust", "criteria", "long-standing unknown - -")
    with pytest.raises(CommandError, match="row 2, column status: cannot be published"):
        import_file(tmp_path, text)
    assert organisation.assessments.get().result == "met"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("trustworthy met 2026-01-01 https://x.org/", "line 1: unknown criterion trustworthy"),
        ("registered yes 2026-01-01 https://x.org/", "line 1 (registered): after the criterion"),
        ("registered", "line 1 (registered): after the criterion write the result"),
        ("registered met 01/02/2026 https://x.org/", "line 1 (registered): write the date"),
        ("registered met 2026-02-30 https://x.org/", "line 1 (registered): write the date"),
        ("registered met 2026-01-01 not-a-url", "line 1 (registered): evidence URL: Enter a"),
        ("registered met - https://x.org/", "line 1 (registered): date checked: Say when"),
        ("registered not-met 2026-01-01", "line 1 (registered): evidence URL: Give the page"),
        ("registered unknown - - " + "n" * 501, "line 1 (registered): note: Ensure"),
        ("registered unknown\nregistered unknown", "line 2: registered is also on line 1"),
        ("curator note: searched", "line 1: a 'curator note:' line goes once under"),
        ("registered unknown\ncurator note: a\ncurator note: b", "line 3: a 'curator note:'"),
        ("registered unknown\ncurator note: " + "n" * 1001, "(registered): curator note: Ensure"),
    ],
)
def test_each_kind_of_bad_criteria_line_is_reported(vocabulary, cell, message):
    text = csv_text(
        ["a", "A", "S", '"' + cell + '"'], header=("slug", "name", "summary", "criteria")
    )
    result = import_listings(text.encode(), filename="bad.csv")
    assert [(p.row, p.column) for p in result.problems] == [(2, "criteria")]
    assert message in result.problems[0].message
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("status", ["published", "archived"])
def test_only_curators_with_publish_permission_may_publish_or_archive(
    vocabulary, curator, editor, status
):
    header = ("slug", "name", "summary", "status", "pillars", "sources", "criteria")
    row = ["gated", "Gated", "S", status, "policy", "https://gated.example.org/ all"]
    text = csv_text([*row, f"long-standing met 2026-01-01 {MET}"], header=header).encode()
    refused = import_listings(text, filename="g.csv", user=curator)
    assert [(p.row, p.column) for p in refused.problems] == [(2, "status")]
    assert "permission" in refused.problems[0].message
    assert not Organisation.objects.exists()
    assert import_listings(text, filename="g.csv", user=editor).applied
    assert Organisation.objects.get(slug="gated").status == status


def test_curator_without_publish_permission_may_edit_a_published_listing(organisation, curator):
    text = export().replace("Harbour Trust", "Harbour Trust Ltd").encode()
    assert import_listings(text, filename="e.csv", user=curator).applied


# --- Bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),  # a UTF-8 byte-order mark and nothing else
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("slug,name,summary\r\na,Café,S\r\n".encode("latin-1"), "not UTF-8"),
        ("slug,name,summary\r\n".encode("utf-16"), "UTF-16"),
        (b"this is not,a listings file\r\n1,2\r\n", "unknown column"),
        (b'slug,name,summary\r\na,"unclosed,S\r\n', ""),
    ],
)
def test_unreadable_files_are_reported_without_a_traceback(vocabulary, data, message):
    result = import_listings(data, filename="bad.csv")
    assert result.problems
    assert message in " ".join(p.message for p in result.problems)
    assert not Organisation.objects.exists()


def test_command_exits_non_zero_on_a_bad_file(vocabulary, tmp_path):
    with pytest.raises(CommandError, match="empty"):
        import_file(tmp_path, b"")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_orgs", str(tmp_path / "missing.csv"))


# --- Admin ----------------------------------------------------------------------------------


def upload(text, name="listings.csv"):
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_changelist_links_to_export_with_its_filters_and_to_import(admin_client, organisation):
    html = admin_client.get(CHANGELIST, {"status__exact": "draft"}).content.decode()
    assert f'href="{EXPORT}?status__exact=draft"' in html
    assert f'href="{IMPORT}"' in html


def test_admin_export_downloads_what_the_list_shows(admin_client, organisation, draft):
    response = admin_client.get(EXPORT, {"status__exact": "draft"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(COLUMNS))
    assert "hidden-draft" in text and "harbour-trust" not in text
    everything = admin_client.get(EXPORT).content.decode("utf-8-sig")
    assert everything == export()


def test_admin_import_applies_the_file_and_says_how_many(admin_client, admin_user, vocabulary):
    response = admin_client.post(
        IMPORT, {"file": upload(csv_text(["from-admin", "From Admin", "S"]), "mine.csv")}
    )
    assert response.status_code == 302
    messages = [str(m) for m in admin_client.get(CHANGELIST).context["messages"]]
    assert messages == [
        "Imported mine.csv. 1 rows: 1 listings were created, 0 were updated, 0 unchanged."
    ]
    record = Organisation.objects.get(slug="from-admin").history.get()
    assert record.history_user == admin_user
    assert record.history_change_reason == "CSV import mine.csv"


def test_admin_import_shows_problems_in_a_table_and_keeps_the_file_name(admin_client, organisation):
    text = csv_text(["harbour-trust", "", "S"], ["other", "Other", "S"])
    response = admin_client.post(IMPORT, {"file": upload(text, "curators-edit.csv")})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="csv-problems"' in html
    assert "<td>2</td><td>name</td><td>This field cannot be blank.</td>" in html
    assert "curators-edit.csv" in html
    assert Organisation.objects.get(slug="harbour-trust").name == "Harbour Trust"
    assert not Organisation.objects.filter(slug="other").exists()


def test_admin_dry_run_changes_nothing(admin_client, vocabulary):
    response = admin_client.post(
        IMPORT, {"file": upload(csv_text(["dry", "Dry", "S"])), "dry_run": "on"}
    )
    assert "1 listings would be created" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01\x02binary", "é".encode("latin-1") * 10, b"wrong,header\r\n"]
)
def test_admin_import_of_a_bad_file_is_a_page_with_a_message(admin_client, vocabulary, data):
    response = admin_client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 200
    assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()


def test_admin_refuses_a_file_over_the_size_limit(admin_client, vocabulary, settings):
    settings.ORGS_CSV_MAX_UPLOAD_BYTES = 1000
    text = csv_text(*[[f"s-{n}", "Name", "Summary"] for n in range(100)])
    response = admin_client.post(IMPORT, {"file": upload(text, "big.csv")})
    assert "big.csv is 0.0 MB; files up to 0 MB can be imported" in response.content.decode()
    assert not Organisation.objects.exists()


def test_staff_without_change_permission_cannot_import_but_can_export(client, viewer):
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": upload(csv_text(["x", "X", "S"]))}).status_code == 403
    assert client.get(EXPORT).status_code == 200
    assert f'href="{IMPORT}"' not in client.get(CHANGELIST).content.decode()


def test_curator_with_add_and_change_permission_can_import(client, curator, vocabulary):
    client.force_login(curator)
    assert client.get(IMPORT).status_code == 200
    response = client.post(IMPORT, {"file": upload(csv_text(["by-curator", "By Curator", "S"]))})
    assert response.status_code == 302
    assert Organisation.objects.filter(slug="by-curator").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    assert client.get(IMPORT).status_code == 302
    assert client.get(EXPORT).status_code == 302


def test_a_slug_that_looks_like_a_formula_still_matches_its_listing(vocabulary, tmp_path):
    OrganisationFactory(
        slug="-dash-first", name="Dash First", website="", status="draft", sources=[]
    )
    text = export()
    assert "'-dash-first" in text
    before = state()
    out, _ = import_file(tmp_path, text)
    assert "1 unchanged" in out
    assert state() == before


# One import at a time


@pytest.mark.django_db(transaction=True)
def test_a_second_import_while_one_runs_is_told_so_and_changes_nothing(vocabulary):
    """PostgreSQL: the first import's transaction holds an advisory lock; SQLite: its
    IMMEDIATE transaction holds the write lock. Either way the second import gets a message,
    never a server error, and writes nothing."""
    import threading

    from django.db import connection as main_connection
    from django.db import connections, transaction

    from orgs.csv_import import hold_import_lock

    holding, release = threading.Event(), threading.Event()

    def first_import():
        try:
            with transaction.atomic():
                assert hold_import_lock()
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=first_import)
    worker.start()
    try:
        assert holding.wait(30)
        if main_connection.vendor == "sqlite":
            # Wait no longer than a moment for the write lock in this test.
            main_connection.close()
            main_connection.settings_dict["OPTIONS"] = {
                **main_connection.settings_dict["OPTIONS"],
                "timeout": 0.2,
            }
        text = csv_text(("second-import", "Second Import", "Tried while another ran."))
        result = import_listings(text.encode(), filename="second.csv")
    finally:
        release.set()
        worker.join()
    assert [p.message for p in result.problems] == [
        "Another import or a large change to the directory is running, so nothing changed. "
        "Please import the file again when it has finished."
    ]
    assert not Organisation.objects.filter(slug="second-import").exists()
    assert import_listings(text.encode(), filename="second.csv").applied
