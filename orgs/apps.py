"""The directory of organisations: the domain, curation and public pages."""

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Directory"
