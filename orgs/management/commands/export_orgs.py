"""Export every listing, whatever its status, as CSV (docs/csv-format.md).

manage.py export_orgs [--output FILE]      (standard output by default)
"""

from django.core.management.base import BaseCommand, CommandError

from orgs.csv_format import write_csv
from orgs.models import Organisation


class Command(BaseCommand):
    help = "Export all listings as CSV (the format import_orgs reads)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output by default.")

    def handle(self, *args, **options):
        organisations = Organisation.objects.for_export().iterator(chunk_size=1000)
        if not options["output"]:
            # Each row ends in "\r\n", so the wrapper adds no line ending of its own.
            count = write_csv(organisations, self.stdout)
        else:
            try:
                with open(options["output"], "w", encoding="utf-8", newline="") as stream:
                    count = write_csv(organisations, stream)
            except OSError as error:
                raise CommandError(f"Cannot write {options['output']}: {error}") from error
        self.stderr.write(f"Exported {count} listings.")
