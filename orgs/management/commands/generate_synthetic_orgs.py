"""Generate clearly synthetic organisations, for benchmarks and load tests only.

Every one is named "Synthetic …", has a slug starting "synthetic-" and the tag "synthetic";
`make run` never loads them. `--delete` removes them all again. The text is assembled from
the directory's own vocabulary, so searches hit realistic shares of the listings.
"""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_countries import countries

from orgs import caching
from orgs.models import (
    ExploitationForm,
    OperatingCountry,
    Organisation,
    OrganisationType,
    Pillar,
    Population,
    Source,
)
from orgs.search import documents

PREFIX = "synthetic-"
BATCH = 5000

PLACES = [
    "Northern",
    "Coastal",
    "River",
    "Valley",
    "Highland",
    "Border",
    "Delta",
    "Lakeside",
    "Eastern",
    "Western",
    "Southern",
    "Central",
    "Island",
    "Mountain",
    "Harbour",
    "Plains",
]
NOUNS = [
    "Hope",
    "Freedom",
    "Shelter",
    "Bridge",
    "Voices",
    "Compass",
    "Lantern",
    "Anchor",
    "Haven",
    "Horizon",
    "Justice",
    "Dignity",
    "Pathways",
    "Roots",
    "Harvest",
    "Beacon",
]
KINDS = [
    "Network",
    "Trust",
    "Foundation",
    "Alliance",
    "Project",
    "Collective",
    "Centre",
    "Initiative",
    "Coalition",
    "Institute",
]
# Sentences are assembled from these parts, so that any one specific word appears in a small
# share of listings, as in real descriptions, while the domain's common words stay common.
VERBS = [
    "runs",
    "funds",
    "coordinates",
    "supports",
    "evaluates",
    "leads",
    "hosts",
    "delivers",
    "builds",
    "studies",
    "expands",
    "designs",
]
WORK = [
    "safe houses",
    "a helpline",
    "legal clinics",
    "school workshops",
    "outreach teams",
    "research on recruitment",
    "survivor mentoring",
    "shelter places",
    "counselling",
    "vocational training",
    "data collection",
    "policy advocacy",
    "police training",
    "community watch groups",
    "reintegration grants",
    "labour inspections",
    "supply chain audits",
    "case management",
    "awareness campaigns",
    "drop-in centres",
]
FOR = [
    "survivors of trafficking",
    "migrant workers",
    "children at risk",
    "women and girls",
    "domestic workers",
    "fishing crews",
    "farm workers",
    "young people leaving care",
    "families of missing people",
    "factory workers",
    "refugees",
    "street children",
    "victims of forced marriage",
    "people in debt bondage",
    "seasonal workers",
]
PLACES_IN = [
    "in rural districts",
    "in border towns",
    "in port cities",
    "across the region",
    "in informal settlements",
    "along migration routes",
    "in mining areas",
    "in the capital",
    "in coastal villages",
    "in industrial zones",
]
TAGS = ["supply chains", "shelter", "helpline", "legal aid", "schools", "data", "migration",
        "domestic work", "fishing", "agriculture", "construction", "online safety", "advocacy",
        "counselling", "reintegration", "cocoa", "garment industry", "brick kilns", "mining",
        "hospitality", "care work", "seafood", "textiles", "tea estates", "car washes",
        "nail bars", "begging", "cannabis farms", "county lines", "sports", "tourism"]  # fmt: skip


def sentence(rng):
    return f"{rng.choice(VERBS)} {rng.choice(WORK)} for {rng.choice(FOR)} {rng.choice(PLACES_IN)}"


class Command(BaseCommand):
    help = "Create COUNT clearly synthetic organisations (benchmarks only), or --delete them."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--delete", action="store_true", help="Remove synthetic listings.")

    def handle(self, *args, count, seed, delete, **options):
        if delete:
            with transaction.atomic():
                deleted, _ = Organisation.objects.filter(slug__startswith=PREFIX).delete()
            self.stdout.write(f"Deleted {deleted} synthetic rows.")
            return
        if count <= 0:
            raise CommandError("Give --count N (a positive number) or --delete.")
        if not Pillar.objects.exists():
            raise CommandError("Load the vocabularies first: manage.py load_directory.")
        rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        start = Organisation.objects.filter(slug__startswith=PREFIX).count()
        for offset in range(0, count, BATCH):
            with transaction.atomic():
                self.create_batch(rng, start + offset, min(BATCH, count - offset))
                caching.changed()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
        self.stdout.write(f"Created {count} synthetic organisations.")

    def create_batch(self, rng, first, size):
        pillars = list(Pillar.objects.all())
        forms = list(ExploitationForm.objects.all())
        populations = list(Population.objects.all())
        codes = [code for code, _ in countries]
        types = [value for value, _ in OrganisationType.choices]
        organisations = []
        for number in range(first, first + size):
            name = (
                f"Synthetic {rng.choice(PLACES)} {rng.choice(NOUNS)} {rng.choice(KINDS)} {number}"
            )
            organisations.append(
                Organisation(
                    name=name,
                    slug=f"{PREFIX}{number:06d}",
                    summary=f"Synthetic listing that {sentence(rng)}.",
                    description=f"This synthetic organisation {sentence(rng)} and {sentence(rng)}.",
                    tags=", ".join(["synthetic", *rng.sample(TAGS, 3)]),
                    founded=rng.randint(1950, 2022),
                    hq_country=rng.choice(codes),
                    organisation_type=rng.choice(types),
                    status=Organisation.Status.PUBLISHED,
                )
            )
        organisations = Organisation.objects.bulk_create(organisations)
        if connection.vendor == "sqlite" and organisations[0].pk is None:
            # Older SQLite cannot return ids from a bulk insert; read them back by slug.
            ids = dict(
                Organisation.objects.filter(slug__startswith=PREFIX).values_list("slug", "pk")
            )
            for organisation in organisations:
                organisation.pk = ids[organisation.slug]
        links = {
            Organisation.pillars.through: ("pillar", pillars, 1, 3),
            Organisation.exploitation_forms.through: ("exploitationform", forms, 1, 3),
            Organisation.populations.through: ("population", populations, 1, 2),
        }
        for through, (field, choices, low, high) in links.items():
            through.objects.bulk_create(
                through(organisation_id=o.pk, **{f"{field}_id": term.pk})
                for o in organisations
                for term in rng.sample(choices, rng.randint(low, high))
            )
        OperatingCountry.objects.bulk_create(
            OperatingCountry(organisation_id=o.pk, country=code)
            for o in organisations
            for code in {o.hq_country, *rng.sample(codes, rng.randint(0, 2))}
        )
        Source.objects.bulk_create(
            Source(organisation_id=o.pk, url="https://example.org/synthetic", supports="nothing")
            for o in organisations
        )
        # Bulk writes send no signals: the batch's search documents are written here.
        documents.refresh(o.pk for o in organisations)
