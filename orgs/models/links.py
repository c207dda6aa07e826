"""What the link checker (``manage.py check_links``, orgs/links.py) last found at each address
the directory links to. A link that failed two checks in a row is dead: profiles, cards,
comparisons and the open data (API, HSDS, public CSV) stop showing it, and curators find it
in the admin's "Broken or moved links" queue."""

from django.db import models

# Failed checks in a row after which a link is not shown publicly: one failure may be a
# passing outage, two (a check apart) are not.
DEAD_AFTER_FAILURES = 2

# Up to this many addresses, listings shown are checked by their own addresses (the unique
# index on url): at 50,000 link checks, 2% dead, that takes about 1 ms where reading every dead
# link takes 12 to 24 ms. A whole export reads every dead link instead of binding tens of
# thousands of addresses: Django assumes SQLite takes at most 999 parameters a statement
# (``max_query_params``), as builds before 3.32 did; this one (3.40) takes 250,000.
CHECKED_BY_ADDRESS_UP_TO = 500


class LinkCheckQuerySet(models.QuerySet):
    def dead(self):
        return self.filter(consecutive_failures__gte=DEAD_AFTER_FAILURES)

    def withhold_from(self, organisations):
        """Leave every dead link out of ``organisations`` as they are shown
        (``Organisation.withhold_links()``), in one query however many they are (none if
        they link nowhere): the one rule for profiles, comparisons and the open data. Reads
        their prefetched sources and assessments; returns them as a list."""
        organisations = list(organisations)
        urls = set().union(*(organisation.linked_urls() for organisation in organisations))
        if urls:
            dead = self.dead().order_by()
            if len(urls) <= CHECKED_BY_ADDRESS_UP_TO:
                dead = dead.filter(url__in=urls)
            dead = set(dead.values_list("url", flat=True))
            for organisation in organisations:
                organisation.withhold_links(dead)
        return organisations

    def broken_or_moved(self):
        """Addresses that failed their last check, answered with an error (a site that
        refuses robots), or now lead somewhere else."""
        return self.filter(
            models.Q(consecutive_failures__gt=0)
            | models.Q(status_code__gte=400)
            | (~models.Q(final_url="") & ~models.Q(final_url=models.F("url")))
        )


class LinkCheck(models.Model):
    """The last check of one address, however many listings use it."""

    url = models.URLField("URL", max_length=500, unique=True)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The HTTP status of the last answer, after redirects."
    )
    error = models.CharField(
        max_length=300, blank=True, help_text="Why the last check failed, in words."
    )
    final_url = models.URLField(
        "final URL", max_length=2000, blank=True, help_text="Where redirects led."
    )
    checked_at = models.DateTimeField()
    consecutive_failures = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current run of failures began."
    )

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-consecutive_failures", "url"]
        verbose_name = "link check"

    def __str__(self):
        return self.url

    @property
    def is_dead(self):
        return self.consecutive_failures >= DEAD_AFTER_FAILURES

    @property
    def is_moved(self):
        return bool(self.final_url) and self.final_url != self.url

    def record(self, outcome, at):
        """Take in one check's ``outcome`` (orgs.links.Outcome) made at ``at``."""
        self.checked_at = at
        self.status_code = outcome.status_code
        self.error = outcome.error[:300]
        self.final_url = outcome.final_url[:2000]
        if outcome.ok:
            self.consecutive_failures = 0
            self.first_failed_at = None
        else:
            if not self.consecutive_failures:
                self.first_failed_at = at
            self.consecutive_failures += 1


class BrokenLink(LinkCheck):
    """The curators' queue of links that failed or moved (admin)."""

    class Meta:
        proxy = True
        verbose_name = "broken or moved link"
        verbose_name_plural = "broken or moved links"
