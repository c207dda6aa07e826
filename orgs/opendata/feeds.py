"""/feeds/updates/: an Atom feed of listings newly published or changed, newest change first.
Only published listings, and only what their profile shows: no author (who curates what is
never published)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ..models import Organisation

FEED_LENGTH = 50


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = "Pillars: listings published or updated"
    subtitle = (
        "Long-standing anti-trafficking organisations newly listed in Pillars, or whose "
        "listing changed. Data: CC BY 4.0."
    )

    def link(self):
        return reverse("orgs:list")

    def feed_url(self):
        return reverse("opendata:feed")

    def items(self):
        return Organisation.objects.published().order_by("-updated_at", "slug")[:FEED_LENGTH]

    def item_title(self, organisation):
        return organisation.name

    def item_description(self, organisation):
        return organisation.summary

    def item_pubdate(self, organisation):
        # When it was published (the status last changed to published), else when created.
        return organisation.status_changed_at or organisation.created_at

    def item_updateddate(self, organisation):
        return organisation.updated_at
