"""Listings side by side: which ones a comparison asks for, and what its rows show.

The choice is in the address (``/compare/?o=<slug>&o=<slug>``), so a comparison made with the
tick boxes of a results page can be bookmarked and shared. Whatever the address holds, the
page shows what it can and says what it left out."""

from urllib.parse import urlencode

from django.core.validators import slug_re

from .models import Criterion, LinkCheck, Organisation, Pillar

MAX_COMPARED = 4
MIN_COMPARED = 2
# Choices read from one address, at most: a longer list is not a comparison anyone made.
MAX_READ = 20
SLUG_LENGTH = Organisation._meta.get_field("slug").max_length


class Comparison:
    def __init__(self, slugs, listings):
        """``slugs``: as asked for, in order; ``listings``: the published listings to find
        them in, with what the page shows of each (``with_profile_relations()``)."""
        wanted = []
        for slug in slugs:
            slug = slug.strip()
            if slug and slug not in wanted:
                wanted.append(slug)
        self.problems = []
        if len(wanted) > MAX_READ:
            self.problems.append(f"Only the first {MAX_READ} choices were read.")
            wanted = wanted[:MAX_READ]
        # Only what can be a listing's address is looked up (a NUL, say, is refused by PostgreSQL).
        known = [slug for slug in wanted if len(slug) <= SLUG_LENGTH and slug_re.match(slug)]
        found = listings.in_bulk(known, field_name="slug") if known else {}
        for slug in wanted:
            if slug not in found:
                shown = "".join(c if c.isprintable() else "\ufffd" for c in slug[:60])
                shown += "…" if len(slug) > 60 else ""
                self.problems.append(f"“{shown}” is not a listing in the directory: left out.")
        self.organisations = [found[slug] for slug in wanted if slug in found]
        if len(self.organisations) > MAX_COMPARED:
            self.problems.append(
                f"Up to {MAX_COMPARED} organisations can be compared at a time: "
                f"the first {MAX_COMPARED} chosen are shown."
            )
            del self.organisations[MAX_COMPARED:]
        # A link that failed two checks in a row is not shown (orgs/links.py), as on profiles.
        LinkCheck.objects.withhold_from(self.organisations)

    @property
    def is_complete(self):
        return len(self.organisations) >= MIN_COMPARED

    def columns(self):
        """Each listing, with the query string of this comparison without it."""
        return [
            (
                organisation,
                urlencode(
                    [("o", other.slug) for other in self.organisations if other != organisation]
                ),
            )
            for organisation in self.organisations
        ]

    def pillar_rows(self):
        """Each pillar, with whether each listing works on it."""
        covered = [{pillar.pk for pillar in o.pillars.all()} for o in self.organisations]
        return [(pillar, [pillar.pk in pks for pks in covered]) for pillar in Pillar.objects.all()]

    def vetting_rows(self):
        """Each vetting criterion, with each listing's assessment of it (None: not checked)."""
        criteria = list(Criterion.objects.all())
        columns = [dict(o.vetting(criteria)) for o in self.organisations]
        return [(criterion, [column[criterion] for column in columns]) for criterion in criteria]


def chosen_slugs(query):
    """The listings ticked so far, as a results page carries them in its address (``o``),
    from page to page: at most MAX_COMPARED, each shaped like a listing's address, in order."""
    chosen = []
    for slug in query.getlist("o")[:MAX_READ]:
        slug = slug.strip()
        if len(slug) <= SLUG_LENGTH and slug_re.match(slug) and slug not in chosen:
            chosen.append(slug)
    return chosen[:MAX_COMPARED]
