"""The directory of organisations: the domain, curation and public pages."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_search_schema(using, **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table; put them back.
    from django.db import connections

    from .search import schema

    schema.install(connections[using])


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Directory"

    def ready(self):
        post_migrate.connect(ensure_search_schema, sender=self)
