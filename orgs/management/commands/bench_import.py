"""Time the CSV import: N clearly synthetic listings (slug prefix "synthetic-"), each with two
vetting assessments, imported as new listings, then the same file again (nothing changes),
then an export. Prints seconds.

    manage.py bench_import [--rows 10000]

Needs the vocabularies (run load_directory first). Synthetic listings already in the database
are deleted first, so the first import always creates every row. See docs/benchmarks.md.
"""

import csv
import io
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orgs.csv_format import COLUMNS, write_csv
from orgs.csv_import import import_listings
from orgs.models import ExploitationForm, Language, Organisation, Pillar, Population

PREFIX = "synthetic-"


def synthetic_csv(rows):
    pillars = list(Pillar.objects.values_list("slug", flat=True))
    forms = list(ExploitationForm.objects.values_list("slug", flat=True))
    populations = list(Population.objects.values_list("slug", flat=True))
    languages = list(Language.objects.values_list("code", flat=True))
    if not (pillars and forms and populations and languages):
        raise CommandError("Load the vocabularies first: manage.py load_directory")
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(rows):
        slug = f"{PREFIX}{n:05d}"
        values = {
            "slug": slug,
            "name": f"Synthetic organisation {n:05d}",
            "status": "published",
            "last_reviewed_on": "2026-01-15",
            "summary": f"Synthetic listing {n} for the import benchmark; not a real organisation.",
            "description": f'A "synthetic" description, with commas,\nnewlines and ünïcode ({n}).',
            "tags": "synthetic, benchmark",
            "pillars": "|".join(sorted({pillars[n % len(pillars)], pillars[n % 3]})),
            "exploitation_forms": forms[n % len(forms)],
            "populations": "|".join(sorted({populations[n % len(populations)], populations[0]})),
            "organisation_type": "charity-ngo",
            "founded": str(1950 + n % 70),
            "hq_country": ["GB", "FR", "NP", "BR", "US"][n % 5],
            "countries": "GB|IE" if n % 2 else "NP",
            "languages": languages[n % len(languages)],
            "website": f"https://{slug}.example.org/",
            "email": f"info@{slug}.example.org",
            "phone": "+44 20 7946 0000",
            "sources": f"https://{slug}.example.org/about name, founding year\n"
            f"https://register.example.org/{n} registration",
            # The mandatory criterion met (they are published), and one more.
            "criteria": f"long-standing met 2026-01-10 https://{slug}.example.org/about "
            f"Working since {1950 + n % 70}.\n"
            + (
                f"registered met 2026-01-10 https://register.example.org/{n}"
                if n % 2
                else "local-partners unknown - - Not checked yet."
            ),
        }
        writer.writerow(values.get(column, "") for column in COLUMNS)
    return stream.getvalue().encode()


class Command(BaseCommand):
    help = "Time importing, re-importing and exporting N synthetic listings."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10000)

    def handle(self, *args, **options):
        deleted, _ = Organisation.objects.filter(slug__startswith=PREFIX).delete()
        if deleted:
            self.stdout.write(f"Deleted earlier synthetic listings ({deleted} rows).")
        data = synthetic_csv(options["rows"])
        self.stdout.write(
            f"{connection.vendor}: {options['rows']:,} rows, {len(data) / 1e6:.1f} MB of CSV"
        )
        for label in ["import (all new)", "re-import (no change)"]:
            started = time.perf_counter()
            result = import_listings(data, filename="synthetic.csv")
            elapsed = time.perf_counter() - started
            if result.problems:
                raise CommandError("\n".join(map(str, result.problems[:20])))
            self.stdout.write(f"  {label}: {elapsed:.1f} s — {result.summary()}")
        started = time.perf_counter()
        count = write_csv(
            Organisation.objects.for_export().iterator(chunk_size=1000), io.StringIO()
        )
        self.stdout.write(f"  export ({count:,} listings): {time.perf_counter() - started:.1f} s")
