"""Import listings from CSV (docs/csv-format.md): all rows or none.

    manage.py import_orgs FILE [--dry-run]

Rows are matched to listings by slug (a new slug creates a listing). Runs as the system, so no
permission is needed to publish; publishing still needs what ``publication_problems()`` asks.
Progress goes to standard error every 1,000 rows; problems are listed with their row (as a
spreadsheet numbers it) and column, and the command exits with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.csv_import import import_listings


class Command(BaseCommand):
    help = "Import listings from a CSV file, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, change nothing."
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error

        def progress(stage, done, total):
            self.stderr.write(f"{stage} {done:,} of {total:,}")

        result = import_listings(
            data, filename=path.name, dry_run=options["dry_run"], progress=progress
        )
        if result.problems:
            raise CommandError(
                f"Nothing was imported from {path.name}; {len(result.problems)} problem(s):\n"
                + "\n".join(str(problem) for problem in result.problems)
            )
        prefix = "Dry run, nothing changed. " if result.dry_run else ""
        self.stdout.write(prefix + result.summary())
