"""The seeded directory's figures, computed from orgs/data/directory.json: how many published
listings, where they are headquartered and where they work. ``--readme`` writes them into
README.md between its ``<!-- figures -->`` markers (a test keeps the two the same)."""

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand

from .load_directory import DEFAULT_FILE

README = Path(__file__).resolve().parents[3] / "README.md"
BLOCK = re.compile(r"(<!-- figures -->\n)(.*?)(<!-- /figures -->)", re.S)


def figures(data):
    published = [o for o in data["organisations"] if o["status"] == "published"]
    hq = {o["hq_country"] for o in published}
    countries = {code for o in published for code in o["countries"]}
    held = len(data["organisations"]) - len(published)
    return (
        f"The seeded directory has {len(published)} published listings, headquartered in "
        f"{len(hq)} countries and working in {len(countries)} countries "
        f"({held} more are held in review until a curator confirms them).\n"
    )


class Command(BaseCommand):
    help = "Print the seeded directory's figures; --readme writes them into README.md."

    def add_arguments(self, parser):
        parser.add_argument("--readme", action="store_true", help="Update README.md.")

    def handle(self, *args, readme=False, **options):
        text = figures(json.loads(DEFAULT_FILE.read_text(encoding="utf-8")))
        if readme:
            content = README.read_text(encoding="utf-8")
            README.write_text(BLOCK.sub(lambda m: m[1] + text + m[3], content), encoding="utf-8")
        self.stdout.write(text, ending="")
