"""Curation: the Django admin as the curators' workplace, one module per concern."""

from . import curation, links, organisation, suggestions, vocabularies  # noqa: F401 (registers the admins)
