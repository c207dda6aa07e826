"""Curation: the Django admin as the curators' workplace, one module per concern."""

from . import (  # noqa: F401 (registers the admins)
    curation,
    links,
    organisation,
    sign_in,
    suggestions,
    vocabularies,
)
