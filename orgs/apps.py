"""The directory of organisations: the domain, curation and public pages."""

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Directory"

    def ready(self):
        from . import checks, signals  # noqa: F401 (registers the system checks and handlers)
