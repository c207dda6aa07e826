"""The CSV format of listings (docs/csv-format.md): its columns, how each cell is written and
read, and the export. One row per listing, matched by slug; `orgs/csv_import.py` reads it back.

Choices that keep a spreadsheet user safe and the round trip exact:
- lists (pillars, countries…) are joined with ``|``, never ``;`` or ``,``: European spreadsheets
  use ``;`` as the CSV delimiter and tags already use commas;
- sources are one ``URL supports`` pair per line of a single cell (a URL holds no spaces),
  each optionally followed by ``title: …`` and ``kind: …`` lines (no URL starts so, so files
  written before sources had them read the same);
- vetting assessments are one ``criterion result checked_on evidence_url note`` line each, in
  one cell, with ``-`` for an empty date or URL (neither holds spaces, the note is the rest of
  the line), each optionally followed by a ``curator note: …`` line (no criterion is called
  that); they are not part of ``Organisation.snapshot()``, which the seeded-data loader
  fingerprints, so the CSV state of a listing is that snapshot plus ``criteria``;
- a cell that a spreadsheet would run as a formula (it begins with = + - @, a tab or a carriage
  return, possibly after apostrophes) is written with one more leading apostrophe, and the
  importer removes exactly one; every value therefore comes back as it went out.
"""

import csv
import re

from .models import Criterion

LIST_SEPARATOR = "|"

# Stable column names, in export order. Adding a column is fine; renaming one breaks files
# people keep, so don't.
COLUMNS = [
    "slug",
    "name",
    "status",
    "last_reviewed_on",
    "summary",
    "description",
    "tags",
    "pillars",
    "exploitation_forms",
    "populations",
    "organisation_type",
    "founded",
    "hq_country",
    "countries",
    "languages",
    "website",
    "donate_url",
    "volunteer_url",
    "registration_regulator",
    "registration_number",
    "registration_url",
    "email",
    "phone",
    "helpline_name",
    "helpline_phone",
    "helpline_url",
    "sources",
    "criteria",
    "curator_note",
]
# Enough to create a listing; any other column may be left out, and then an import leaves
# that part of existing listings as it is.
REQUIRED_COLUMNS = ["slug", "name", "summary"]
LIST_COLUMNS = ["pillars", "exploitation_forms", "populations", "languages", "countries"]
# Written for an empty date or evidence URL in a criteria line.
NONE = "-"

FORMULA = re.compile(r"'*[=+\-@\t\r]")
ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


def escape_formula(text):
    """Text a spreadsheet will show but never evaluate."""
    return "'" + text if FORMULA.match(text) else text


def unescape_formula(text):
    """The inverse of ``escape_formula``."""
    return text[1:] if ESCAPED_FORMULA.match(text) else text


def join_list(values):
    return LIST_SEPARATOR.join(sorted(values))


def split_list(cell):
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


# Lines that describe the source or assessment on the line above them, rather than start one.
TITLE, KIND, CURATOR_NOTE = "title:", "kind:", "curator note:"


def one_line(text):
    """Text as one line (the admin's text inputs cannot hold a line break either)."""
    return " ".join(text.splitlines()).strip()


def format_sources(sources):
    """``[[url, supports, kind, title]]`` as the lines of one cell."""
    lines = []
    for url, supports, kind, title in sources:
        lines.append(f"{url} {supports}")
        if title:
            lines.append(f"  {TITLE} {one_line(title)}")
        if kind:
            lines.append(f"  {KIND} {kind}")
    return "\n".join(lines)


def continuation(line, label):
    """The rest of ``line`` after ``label`` (any case), or None when it does not start so."""
    if line[: len(label)].lower() == label:
        return line[len(label) :].strip()
    return None


def parse_sources(cell):
    """``[[url, supports, kind, title]]`` (kind and title None where the cell does not say)
    and the numbers (1-based) of lines that are neither ``URL text`` nor a ``title:`` or
    ``kind:`` line under one (that says each once)."""
    sources, malformed = [], []
    for number, line in enumerate(cell.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for position, label in [(3, TITLE), (2, KIND)]:
            value = continuation(line, label)
            if value is not None:
                if sources and sources[-1][position] is None:
                    sources[-1][position] = value.lower() if label == KIND else value
                else:
                    malformed.append(number)
                break
        else:
            url, _, supports = line.partition(" ")
            if not supports.strip():
                malformed.append(number)
            sources.append([url, supports.strip(), None, None])
    return sources, malformed


def format_criteria(assessments):
    """``[[criterion, result, checked_on, evidence_url, note, curator_note]]`` as the lines
    of one cell."""
    lines = []
    for criterion, result, checked_on, evidence_url, note, curator_note in assessments:
        note = one_line(note)
        line = f"{criterion} {result} {checked_on or NONE} {evidence_url or NONE}"
        lines.append(f"{line} {note}" if note else line)
        if curator_note:
            lines.append(f"  {CURATOR_NOTE} {one_line(curator_note)}")
    return "\n".join(lines)


def parse_criteria(cell):
    """``[(line number, [criterion, result, checked_on, evidence_url, note, curator_note])]``
    for the lines of a cell that say something (``-`` or a missing word means empty; the
    curator note is None where no ``curator note:`` line follows), and the numbers of
    ``curator note:`` lines that follow no criterion line or repeat one."""
    parsed, misplaced = [], []
    for number, line in enumerate(cell.splitlines(), start=1):
        words = line.strip().split(maxsplit=4)
        if not words:
            continue
        curator_note = continuation(line.strip(), CURATOR_NOTE)
        if curator_note is not None:
            if parsed and parsed[-1][1][5] is None:
                parsed[-1][1][5] = curator_note
            else:
                misplaced.append(number)
            continue
        words += [""] * (5 - len(words))
        fields = ["" if word == NONE else word for word in words[:4]] + words[4:] + [None]
        parsed.append((number, fields))
    return parsed, misplaced


class CriteriaOrder:
    """The criteria, in the order the CSV writes them (as the profile page shows them)."""

    def __init__(self):
        criteria = list(Criterion.objects.all())
        self.slug_of = {criterion.pk: criterion.slug for criterion in criteria}
        self.pk_of = {criterion.slug: criterion.pk for criterion in criteria}
        self.rank = {criterion.slug: rank for rank, criterion in enumerate(criteria)}

    def sorted(self, assessments):
        return sorted(assessments, key=lambda assessment: self.rank[assessment[0]])

    def assessments_of(self, organisation):
        """A listing's assessments as the CSV compares them; reads the prefetched
        ``organisation.assessments``."""
        return self.sorted(
            [
                self.slug_of[a.criterion_id],
                a.result,
                a.checked_on.isoformat() if a.checked_on else None,
                a.evidence_url,
                a.note,
                a.curator_note,
            ]
            for a in organisation.assessments.all()
        )

    def state_of(self, organisation):
        """Everything a CSV row holds about a listing: its snapshot and its assessments."""
        return {**organisation.snapshot(), "criteria": self.assessments_of(organisation)}


def cells_for(slug, state):
    """One listing as CSV cells, from ``CriteriaOrder.state_of()``."""
    values = {
        **state,
        "slug": slug,
        "founded": "" if state["founded"] is None else str(state["founded"]),
        "last_reviewed_on": state["last_reviewed_on"] or "",
        "sources": format_sources(state["sources"]),
        "criteria": format_criteria(state["criteria"]),
        **{column: join_list(state[column]) for column in LIST_COLUMNS},
    }
    return [escape_formula(values[column]) for column in COLUMNS]


def write_csv(organisations, stream):
    """Write the listings to a text stream; the caller orders and prefetches them
    (``Organisation.objects.for_export()``)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    order = CriteriaOrder()
    count = 0
    for organisation in organisations:
        writer.writerow(cells_for(organisation.slug, order.state_of(organisation)))
        count += 1
    return count
