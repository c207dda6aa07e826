"""The CSV format of listings (docs/csv-format.md): its columns, how each cell is written and
read, and the export. One row per listing, matched by slug; `orgs/csv_import.py` reads it back.

Choices that keep a spreadsheet user safe and the round trip exact:
- lists (pillars, countries…) are joined with ``|``, never ``;`` or ``,``: European spreadsheets
  use ``;`` as the CSV delimiter and tags already use commas;
- sources are one ``URL supports`` pair per line of a single cell (a URL holds no spaces);
- a cell that a spreadsheet would run as a formula (it begins with = + - @, a tab or a carriage
  return, possibly after apostrophes) is written with one more leading apostrophe, and the
  importer removes exactly one; every value therefore comes back as it went out.
"""

import csv
import re

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
]
# Enough to create a listing; any other column may be left out, and then an import leaves
# that part of existing listings as it is.
REQUIRED_COLUMNS = ["slug", "name", "summary"]
LIST_COLUMNS = ["pillars", "exploitation_forms", "populations", "languages", "countries"]

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


def format_sources(pairs):
    return "\n".join(f"{url} {supports}" for url, supports in pairs)


def parse_sources(cell):
    """``[(url, supports)]`` and the numbers (1-based) of lines that are not ``URL text``."""
    pairs, malformed = [], []
    for number, line in enumerate(cell.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        url, _, supports = line.partition(" ")
        if not supports.strip():
            malformed.append(number)
        pairs.append((url, supports.strip()))
    return pairs, malformed


def cells_for(slug, snapshot):
    """One listing as CSV cells, from ``Organisation.snapshot()``."""
    values = {
        **snapshot,
        "slug": slug,
        "founded": "" if snapshot["founded"] is None else str(snapshot["founded"]),
        "last_reviewed_on": snapshot["last_reviewed_on"] or "",
        "sources": format_sources(snapshot["sources"]),
        **{column: join_list(snapshot[column]) for column in LIST_COLUMNS},
    }
    return [escape_formula(values[column]) for column in COLUMNS]


def write_csv(organisations, stream):
    """Write the listings to a text stream; the caller orders and prefetches them
    (``Organisation.objects.for_export()``)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for organisation in organisations:
        writer.writerow(cells_for(organisation.slug, organisation.snapshot()))
        count += 1
    return count
