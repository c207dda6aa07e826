"""The domain of Pillars: organisations, the four pillars they work on, the vocabularies that
describe them, and the curation records kept about them. One module per concern."""

from .curation import Assessment, Criterion
from .organisation import (
    EARLIEST_FOUNDING_YEAR,
    SCALAR_FIELDS,
    ListingDueForReview,
    OperatingCountry,
    Organisation,
    SearchDocument,
    Source,
)
from .vocabularies import (
    ExploitationForm,
    Language,
    OrganisationType,
    Pillar,
    Population,
    Term,
)

__all__ = [
    "EARLIEST_FOUNDING_YEAR",
    "SCALAR_FIELDS",
    "Assessment",
    "Criterion",
    "ExploitationForm",
    "Language",
    "ListingDueForReview",
    "OperatingCountry",
    "Organisation",
    "OrganisationType",
    "Pillar",
    "Population",
    "SearchDocument",
    "Source",
    "Term",
]
