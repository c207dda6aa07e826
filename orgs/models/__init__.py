"""The domain of Pillars: organisations, the four pillars they work on, the vocabularies that
describe them, the curation records kept about them, and what the public suggests to curators.
One module per concern."""

from .curation import Assessment, Criterion
from .links import DEAD_AFTER_FAILURES, BrokenLink, LinkCheck
from .organisation import (
    EARLIEST_FOUNDING_YEAR,
    SCALAR_FIELDS,
    ListingDueForReview,
    OperatingCountry,
    Organisation,
    SearchDocument,
    SearchIndex,
    Source,
)
from .suggestions import (
    CORRECTABLE_FIELDS,
    Correction,
    OrganisationSuggestion,
    PublicSubmission,
    Refused,
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
    "CORRECTABLE_FIELDS",
    "DEAD_AFTER_FAILURES",
    "EARLIEST_FOUNDING_YEAR",
    "SCALAR_FIELDS",
    "Assessment",
    "BrokenLink",
    "Correction",
    "Criterion",
    "ExploitationForm",
    "Language",
    "LinkCheck",
    "ListingDueForReview",
    "OperatingCountry",
    "Organisation",
    "OrganisationSuggestion",
    "OrganisationType",
    "Pillar",
    "Population",
    "PublicSubmission",
    "Refused",
    "SearchDocument",
    "SearchIndex",
    "Source",
    "Term",
]
