"""Importing listings from CSV (format: orgs/csv_format.py, docs/csv-format.md).

A file changes everything it says or nothing. Every row is checked first; then the rows that
change something are written in one transaction, the listings they would publish are checked
with ``Organisation.publication_problems()`` against what was written, and if any row of the
file has a problem the transaction is rolled back. A dry run does the same and always rolls
back. Rows that would change nothing are never written: no history, ``updated_at`` untouched.

Writing is in batches of bulk inserts and updates, history included (one historical record per
changed listing, with the m2m state, the reason and the user), because row-by-row saves send
one history record per m2m field and cost minutes at 10,000 rows. Vetting assessments (the
``criteria`` column) are compared criterion by criterion: only those that changed are created,
updated or deleted, each with its own historical record.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django_countries import countries
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import caching
from .csv_format import (
    COLUMNS,
    LIST_COLUMNS,
    REQUIRED_COLUMNS,
    CriteriaOrder,
    parse_criteria,
    parse_sources,
    split_list,
    unescape_formula,
)
from .models import (
    SCALAR_FIELDS,
    Assessment,
    Criterion,
    ExploitationForm,
    Language,
    OperatingCountry,
    Organisation,
    Pillar,
    Population,
    Source,
)
from .search import documents

BATCH = 1000
MAX_PROBLEMS = 1000
PUBLISH_PERMISSION = "orgs.publish_organisation"
# Moving a listing into one of these needs the publish permission.
GUARDED_STATUSES = {Organisation.Status.PUBLISHED, Organisation.Status.ARCHIVED}
VOCABULARIES = {
    "pillars": (Pillar, "slug"),
    "exploitation_forms": (ExploitationForm, "slug"),
    "populations": (Population, "slug"),
    "languages": (Language, "code"),
}
COUNTRY_CODES = frozenset(code for code, _ in countries)
TEXT_COLUMNS = [c for c in SCALAR_FIELDS if c not in ("founded", "status")]
WRITTEN_FIELDS = [*SCALAR_FIELDS, "hq_country", "last_reviewed_on"]
ASSESSMENT_FIELDS = ["result", "checked_on", "evidence_url", "note", "curator_note"]
# How a criteria line names an assessment's fields in a problem.
ASSESSMENT_LABELS = {
    "result": "result",
    "checked_on": "date checked",
    "evidence_url": "evidence URL",
    "note": "note",
    "curator_note": "curator note",
}


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported. ``row`` is numbered as a spreadsheet shows it
    (the header is row 1); ``None`` means the file as a whole."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"row {self.row}" if self.row else "file"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def applied(self):
        return not self.problems and not self.dry_run

    def summary(self):
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} rows: {self.created} listings {verb} created, {self.updated} "
            f"{verb} updated, {self.unchanged} unchanged."
        )


@dataclass
class Change:
    row: int
    organisation: Organisation
    before: dict | None  # None for a new listing
    wanted: dict

    def differs(self, key):
        return self.before is None or self.before[key] != self.wanted[key]


class BadFile(Exception):
    """The file cannot be read as CSV at all."""


def default_snapshot():
    """What a new listing holds for the columns a file leaves out."""
    blank = Organisation()
    return {
        **{name: getattr(blank, name) for name in SCALAR_FIELDS},
        "hq_country": "",
        "last_reviewed_on": None,
        **{column: [] for column in LIST_COLUMNS},
        "sources": [],
        "criteria": [],
    }


def keep_unsaid(values, before):
    """A source line without ``title:`` or ``kind:`` keeps what the listing's source at that
    URL has, and a criteria line without ``curator note:`` keeps the assessment's: files
    written before those existed must not wipe them. (An empty ``title:`` clears one.)"""
    if "sources" in values:
        known = {source[0]: source for source in before["sources"]} if before else {}
        for source in values["sources"]:
            for position in (2, 3):
                if source[position] is None:
                    source[position] = known.get(source[0], [None] * 4)[position] or ""
    if "criteria" in values:
        known = {line[0]: line for line in before["criteria"]} if before else {}
        for line in values["criteria"]:
            if line[5] is None:
                line[5] = known.get(line[0], [None] * 6)[5] or ""


def read_rows(data):
    """The file's rows as lists of strings, or ``BadFile`` saying why it cannot be read."""
    if not data.strip():
        raise BadFile("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("The file is UTF-16 text; save it as 'CSV UTF-8' instead.")
    if b"\x00" in data:
        raise BadFile("This is not a CSV file (it contains binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadFile(
            f"The file is not UTF-8 text (the first bad byte is on line {line}); "
            "save it as 'CSV UTF-8'."
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise BadFile(f"Line {reader.line_num} is not valid CSV: {error}.") from error
    if not rows:  # a byte-order mark and nothing else
        raise BadFile("The file is empty.")
    return rows


# One import at a time, whatever the database: a second one is told so, never a server error.
IMPORT_LOCK_KEY = 0x50494C4C  # any constant shared by every process of the site
ANOTHER_IMPORT = (
    "Another import or a large change to the directory is running, so nothing changed. "
    "Please import the file again when it has finished."
)


def hold_import_lock():
    """Take the directory's import lock for the current transaction; False if another
    transaction holds it. PostgreSQL: an advisory lock, released at commit or rollback.
    SQLite: the IMMEDIATE transaction (settings) already holds the one write lock."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        return cursor.fetchone()[0]


def import_listings(data, *, filename, user=None, dry_run=False, progress=None):
    """Import CSV bytes. ``user`` is the curator (``None`` for the system, which may publish);
    ``progress(stage, done, total)`` is called after each batch."""
    return ListingImport(filename=filename, user=user, dry_run=dry_run, progress=progress).run(data)


class ListingImport:
    def __init__(self, *, filename, user, dry_run, progress):
        # history_change_reason holds 100 characters.
        self.reason = f"CSV import {filename}"[:100]
        self.user = user
        self.progress = progress or (lambda stage, done, total: None)
        self.result = ImportResult(dry_run=dry_run)
        self.defaults = default_snapshot()
        self.criteria = CriteriaOrder()
        self.known = {
            column: dict(model.objects.values_list(key, "pk"))
            for column, (model, key) in VOCABULARIES.items()
        }

    def problem(self, row, column, message):
        self.result.problems.append(Problem(row, column, message))

    def run(self, data):
        try:
            rows = read_rows(data)
        except BadFile as error:
            self.problem(None, "", str(error))
            return self.result
        header = [cell.strip() for cell in rows[0]]
        if not self.header_is_valid(header):
            return self.result
        numbered = [
            (number, cells)
            for number, cells in enumerate(rows[1:], start=2)
            if any(cell.strip() for cell in cells)
        ]
        self.result.rows = len(numbered)
        try:
            with transaction.atomic():
                if not hold_import_lock():
                    self.problem(None, "", ANOTHER_IMPORT)
                    return self.result
                changes = self.check_rows(header, numbered)
                self.write(changes)
                if self.result.problems or self.result.dry_run:
                    transaction.set_rollback(True)
                elif changes:
                    caching.changed()
        except IntegrityError as error:
            # Only a listing created elsewhere while this file was being imported gets here.
            self.problem(None, "", f"The database refused the import, so nothing changed: {error}")
        except OperationalError as error:
            # SQLite: another writer held the database past the busy timeout.
            if "locked" not in str(error):
                raise
            self.problem(None, "", ANOTHER_IMPORT)
        self.result.problems.sort(
            key=lambda p: (p.row or 0, COLUMNS.index(p.column) + 1 if p.column in COLUMNS else 0)
        )
        if len(self.result.problems) > MAX_PROBLEMS:
            hidden = len(self.result.problems) - MAX_PROBLEMS
            del self.result.problems[MAX_PROBLEMS:]
            self.problem(None, "", f"… and {hidden} more problems.")
        return self.result

    def header_is_valid(self, header):
        seen = set()
        for position, column in enumerate(header, start=1):
            if not column:
                self.problem(1, f"#{position}", "a column has no name")
            elif column not in COLUMNS:
                self.problem(
                    1, column, "unknown column (the columns are listed in docs/csv-format.md)"
                )
            elif column in seen:
                self.problem(1, column, "the column appears twice")
            seen.add(column)
        for column in REQUIRED_COLUMNS:
            if column not in seen:
                self.problem(1, column, "this required column is missing")
        return not self.result.problems

    def check_rows(self, header, numbered):
        changes, first_row_of = [], {}
        for start in range(0, len(numbered), BATCH):
            batch = numbered[start : start + BATCH]
            rows = []
            for number, cells in batch:
                if len(cells) == len(header):
                    cells = [unescape_formula(cell.strip()) for cell in cells]
                    rows.append((number, dict(zip(header, cells, strict=True))))
                else:
                    self.problem(
                        number, "", f"has {len(cells)} cells where the header has {len(header)}"
                    )
            slugs = [row["slug"] for _, row in rows]
            existing = {
                o.slug: o for o in Organisation.objects.filter(slug__in=slugs).with_csv_relations()
            }
            for number, row in rows:
                slug = row["slug"]
                if slug in first_row_of:
                    self.problem(number, "slug", f"{slug} is also on row {first_row_of[slug]}")
                    continue
                first_row_of[slug] = number
                change = self.check_row(number, row, existing.get(slug))
                if change is not None:
                    changes.append(change)
            self.progress("checked", start + len(batch), len(numbered))
        return changes

    def check_row(self, number, row, organisation):
        """The change a row asks for, ``None`` when it changes nothing or has a problem."""
        reported = set()

        def problem(column, message):
            reported.add(column)
            self.problem(number, column, message)

        values = self.parse(row, problem)
        before = self.criteria.state_of(organisation) if organisation else None
        keep_unsaid(values, before)
        wanted = {**(before or self.defaults), **values}
        if before is not None and wanted == before:
            self.result.unchanged += 1
            return None

        old_status = before["status"] if before else None
        if before is not None and wanted["status"] != old_status:
            # An existing listing moves along the workflow, as it would in the admin.
            for reason in organisation.workflow_problems(wanted["status"], self.user):
                problem("status", reason)
        elif (
            before is None
            and wanted["status"] in GUARDED_STATUSES
            and self.user is not None
            and not self.user.has_perm(PUBLISH_PERMISSION)
        ):
            problem("status", "you do not have permission to publish or archive listings")

        if organisation is None:
            organisation = Organisation(slug=row["slug"])
        for name in SCALAR_FIELDS:
            setattr(organisation, name, wanted[name])
        organisation.hq_country = wanted["hq_country"]
        organisation.last_reviewed_on = (
            date.fromisoformat(wanted["last_reviewed_on"]) if wanted["last_reviewed_on"] else None
        )
        try:
            # Country codes are checked against a set in parse(); django-countries' own check
            # rebuilds its list of 250 choices for every row (4 s at 10,000 rows).
            organisation.full_clean(
                exclude=["hq_country"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in COLUMNS else ""
                if column not in reported:
                    problem(column, " ".join(messages))
        if reported:
            return None
        if before is None:
            self.result.created += 1
        else:
            self.result.updated += 1
        return Change(number, organisation, before, wanted)

    def parse(self, row, problem):
        """The row's cells in the shape of ``CriteriaOrder.state_of()``, for the columns the
        file has; cells that cannot be read are reported and left out."""
        values = {column: row[column] for column in TEXT_COLUMNS if column in row}
        if not row["slug"]:
            problem("slug", "every row needs a slug")
        if "status" in row:
            if row["status"] in Organisation.Status.values:
                values["status"] = row["status"]
            else:
                problem("status", "use one of " + ", ".join(Organisation.Status.values))
        if "founded" in row:
            if not row["founded"]:
                values["founded"] = None
            elif row["founded"].isascii() and row["founded"].isdigit():
                values["founded"] = int(row["founded"])
            else:
                problem("founded", "write a year such as 1995, or leave it empty")
        if "last_reviewed_on" in row:
            values["last_reviewed_on"] = self.parse_date(row["last_reviewed_on"], problem)
        if "hq_country" in row:
            code = row["hq_country"].upper()
            if code and code not in COUNTRY_CODES:
                problem("hq_country", f"{row['hq_country']} is not an ISO 3166 country code")
            values["hq_country"] = code
        if "countries" in row:
            codes = sorted({code.upper() for code in split_list(row["countries"])})
            unknown = [code for code in codes if code not in COUNTRY_CODES]
            if unknown:
                problem("countries", "not ISO 3166 country codes: " + ", ".join(unknown))
            values["countries"] = codes
        for column, known in self.known.items():
            if column in row:
                items = sorted({item.lower() for item in split_list(row[column])})
                unknown = [item for item in items if item not in known]
                if unknown:
                    problem(column, "unknown: " + ", ".join(unknown))
                values[column] = items
        if "sources" in row:
            values["sources"] = self.parse_sources(row["sources"], problem)
        if "criteria" in row:
            values["criteria"] = self.parse_criteria(row["criteria"], problem)
        return values

    @staticmethod
    def parse_date(cell, problem):
        if not cell:
            return None
        try:
            if len(cell) == 10:
                return date.fromisoformat(cell).isoformat()
        except ValueError:
            pass
        problem("last_reviewed_on", "write a date as YYYY-MM-DD, or leave it empty")
        return None

    @staticmethod
    def parse_sources(cell, problem):
        sources, malformed = parse_sources(cell)
        messages = [
            f"line {n}: write the URL, a space, then what it supports (then, on lines of their "
            "own, at most one 'title:' and one 'kind:')"
            for n in malformed
        ]
        for number, (url, supports, kind, title) in enumerate(sources, start=1):
            try:
                Source(url=url, supports=supports, kind=kind or "", title=title or "").full_clean(
                    exclude=["organisation"]
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    messages.append(f"source {number} ({url}): {name}: {' '.join(errors)}")
        if messages:
            problem("sources", "; ".join(messages))
        return sources

    def parse_criteria(self, cell, problem):
        """The cell's assessments as ``CriteriaOrder.assessments_of()`` gives them; each line
        is held to what the admin's assessment form requires."""
        assessments, messages, line_of = [], [], {}
        parsed, misplaced = parse_criteria(cell)
        for line in misplaced:
            messages.append(f"line {line}: a 'curator note:' line goes once under its criterion")
        for line, fields in parsed:
            criterion, result, checked_on, evidence_url, note, curator_note = fields
            criterion, result = criterion.lower(), result.lower()
            if criterion not in self.criteria.pk_of:
                messages.append(
                    f"line {line}: unknown criterion {criterion} (use one of "
                    + ", ".join(self.criteria.pk_of)
                    + ")"
                )
                continue
            if criterion in line_of:
                messages.append(f"line {line}: {criterion} is also on line {line_of[criterion]}")
                continue
            line_of[criterion] = line
            where = f"line {line} ({criterion})"
            if result not in Assessment.Result.values:
                messages.append(
                    f"{where}: after the criterion write the result: "
                    + ", ".join(Assessment.Result.values)
                )
                continue
            try:
                on = date.fromisoformat(checked_on) if checked_on else None
                if checked_on and len(checked_on) != 10:
                    raise ValueError
            except ValueError:
                messages.append(f"{where}: write the date checked as YYYY-MM-DD, or - for none")
                continue
            try:
                Assessment(
                    result=result,
                    checked_on=on,
                    evidence_url=evidence_url,
                    note=note,
                    curator_note=curator_note or "",
                ).full_clean(
                    exclude=["organisation", "criterion", "checked_by"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    label = ASSESSMENT_LABELS.get(name, name)
                    messages.append(f"{where}: {label}: {' '.join(errors)}")
                continue
            assessments.append(
                [
                    criterion,
                    result,
                    on.isoformat() if on else None,
                    evidence_url,
                    note,
                    curator_note,
                ]
            )
        if messages:
            problem("criteria", "; ".join(messages))
        return self.criteria.sorted(assessments)

    def write(self, changes):
        for start in range(0, len(changes), BATCH):
            batch = changes[start : start + BATCH]
            self.write_batch(batch)
            self.progress("written", start + len(batch), len(changes))

    def write_batch(self, batch):
        now = timezone.now()
        created = [c.organisation for c in batch if c.before is None]
        updated = [c.organisation for c in batch if c.before is not None]
        Organisation.objects.bulk_create(created)
        for organisation in updated:
            organisation.updated_at = now
        Organisation.objects.bulk_update(updated, [*WRITTEN_FIELDS, "updated_at"])

        for column in VOCABULARIES:
            through = Organisation._meta.get_field(column).remote_field.through
            target = Organisation._meta.get_field(column).m2m_reverse_name()
            self.replace_rows(
                batch,
                column,
                through,
                lambda change, item, column=column, through=through, target=target: through(
                    organisation_id=change.organisation.pk,
                    **{target: self.known[column][item]},
                ),
            )
        self.replace_rows(
            batch,
            "countries",
            OperatingCountry,
            lambda change, code: OperatingCountry(organisation=change.organisation, country=code),
        )
        self.replace_rows(
            batch,
            "sources",
            Source,
            lambda change, source: Source(
                organisation=change.organisation,
                url=source[0],
                supports=source[1],
                kind=source[2],
                title=source[3],
            ),
        )
        self.replace_assessments(batch, now)
        Organisation.record_history(created, updated, user=self.user, reason=self.reason, date=now)
        # Bulk writes send no signals: the batch's search documents are rewritten here.
        documents.refresh(c.organisation.pk for c in batch)
        self.check_publication(batch)

    @staticmethod
    def replace_rows(batch, column, model, make):
        """Rewrite one relation of the listings in ``batch`` whose value for it changed."""
        changed = [c for c in batch if c.differs(column)]
        existing = [c.organisation.pk for c in changed if c.before is not None]
        if existing:
            model.objects.filter(organisation_id__in=existing).delete()
        model.objects.bulk_create(
            make(change, item) for change in changed for item in change.wanted[column]
        )

    def replace_assessments(self, batch, now):
        """Bring the assessments of the listings whose ``criteria`` changed to what the file
        says, touching only the assessments that differ. Who checked is the importing user
        for those, and stays as it was for the others."""
        created, updated = [], []
        for change in batch:
            if not change.differs("criteria"):
                continue
            present = {}
            if change.before is not None:
                present = {
                    self.criteria.slug_of[a.criterion_id]: a
                    for a in change.organisation.assessments.all()
                }
            for criterion, result, checked_on, evidence, note, curator_note in change.wanted[
                "criteria"
            ]:
                values = {
                    "result": result,
                    "checked_on": date.fromisoformat(checked_on) if checked_on else None,
                    "evidence_url": evidence,
                    "note": note,
                    "curator_note": curator_note,
                }
                assessment = present.pop(criterion, None)
                if assessment is None:
                    created.append(
                        Assessment(
                            organisation=change.organisation,
                            criterion_id=self.criteria.pk_of[criterion],
                            checked_by=self.user,
                            **values,
                        )
                    )
                elif any(getattr(assessment, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(assessment, name, value)
                    assessment.checked_by = self.user
                    updated.append(assessment)
            # Removing an assessment is rare: one delete each, recorded by the history signal.
            for assessment in present.values():
                assessment._change_reason = self.reason
                if self.user is not None:
                    assessment._history_user = self.user
                assessment.delete()
        history = {
            "default_user": self.user,
            "default_change_reason": self.reason,
            "default_date": now,
        }
        if created:
            bulk_create_with_history(created, Assessment, **history)
        if updated:
            fields = [*ASSESSMENT_FIELDS, "checked_by"]
            bulk_update_with_history(updated, Assessment, fields, **history)

    def check_publication(self, batch):
        row_of = {
            c.organisation.pk: c.row
            for c in batch
            if c.wanted["status"] == Organisation.Status.PUBLISHED
        }
        # Prefetched: what publication_problems() reads today. Whatever it reads later still
        # works, one query per listing.
        listings = Organisation.objects.filter(pk__in=row_of).prefetch_related(
            "pillars", "sources", Prefetch("assessments", queryset=Assessment.objects.order_by())
        )
        mandatory = list(Criterion.objects.mandatory())
        for organisation in listings:
            problems = organisation.publication_problems(mandatory)
            if problems:
                self.problem(
                    row_of[organisation.pk],
                    "status",
                    "cannot be published: " + "; ".join(problems),
                )
