"""Rewrite every listing's search document and start a new directory version: for after a
write made outside the application (raw SQL, a restored backup), which neither rewrites the
documents nor tells the caches (orgs/caching.py)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from orgs import caching
from orgs.models import Organisation, SearchDocument
from orgs.search import documents


class Command(BaseCommand):
    help = "Rewrite every search document and make every kept page and result stale."

    def handle(self, *args, **options):
        with transaction.atomic():
            ids = list(Organisation.objects.values_list("pk", flat=True))
            SearchDocument.objects.exclude(organisation_id__in=ids).delete()
            for start in range(0, len(ids), 1000):
                documents.refresh(ids[start : start + 1000])
            caching.changed()
        self.stdout.write(f"Rewrote {len(ids)} search documents; kept pages and results expire.")
