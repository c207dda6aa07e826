"""The directory of organisations: the domain, curation and public pages."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def before_migrations(using, plan=None, **kwargs):
    # SQLite cannot rebuild a table (as Django does to alter one) while our triggers on other
    # tables refer to it; they come back, with a rebuilt index, in after_migrations().
    from django.db import connections

    from .search import schema

    if plan and connections[using].vendor == "sqlite":
        schema.drop_sqlite_triggers(connections[using])


def after_migrations(using, **kwargs):
    from django.db import connections

    from .search import schema

    schema.install(connections[using])


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Directory"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)

        pre_migrate.connect(before_migrations, sender=self)
        post_migrate.connect(after_migrations, sender=self)
