"""How the directory asks for organisations: QuerySet methods that read like the domain,
e.g. ``Organisation.objects.published().in_pillars(["recovery"]).search(q)``."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

# The vetting criterion that asks for evidence of this many years' work (its question, in
# migration 0006: "Has it worked against trafficking for at least five years?").
LONG_STANDING = "long-standing"
LONG_STANDING_YEARS = 5


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def due_for_review(self, on=None):
        """Published listings whose yearly review falls due on or before ``on`` (today by
        default), never-reviewed ones included, the longest-waiting first."""
        on = on or timezone.localdate()
        last_acceptable = on - timedelta(days=settings.REVIEW_INTERVAL_DAYS)
        return (
            self.published()
            .filter(
                models.Q(last_reviewed_on__isnull=True)
                | models.Q(last_reviewed_on__lte=last_acceptable)
            )
            .order_by(models.F("last_reviewed_on").asc(nulls_first=True), "name")
        )

    def alphabetical(self):
        """A to Z as people read it: "Anti-Slavery" before "ASTRA", whatever the collation."""
        return self.order_by(Lower("name"), "name")

    def in_pillars(self, slugs):
        """Organisations working on any of the given pillars."""
        return self._having_any(self.model.pillars.through, "pillar__slug", slugs)

    def operating_in(self, codes):
        """Organisations working in any of the given countries (ISO alpha-2)."""
        return self._having_any(self.model.operating_countries.rel.related_model, "country", codes)

    def located_in(self, codes):
        """Organisations headquartered or working in any of the given countries."""
        working = self._related(self.model.operating_countries.rel.related_model, "country", codes)
        return self.filter(models.Q(hq_country__in=codes) | working)

    def headquartered_in(self, codes):
        """Organisations headquartered in any of the given countries (ISO alpha-2)."""
        return self.filter(hq_country__in=codes)

    def addressing(self, slugs):
        """Organisations addressing any of the given forms of exploitation."""
        return self._having_any(
            self.model.exploitation_forms.through, "exploitationform__slug", slugs
        )

    def serving(self, slugs):
        """Organisations serving any of the given populations."""
        return self._having_any(self.model.populations.through, "population__slug", slugs)

    def of_type(self, types):
        return self.filter(organisation_type__in=types)

    def active_for_at_least(self, years):
        """Founded at least ``years`` ago. A listing whose founding year is unknown but whose
        long-standing criterion is met, with evidence, has shown LONG_STANDING_YEARS of work:
        it counts for any ``years`` up to that, instead of silently dropping out of a filter
        every listing meets by the methodology."""
        founded_early = models.Q(founded__lte=timezone.now().year - years)
        if years > LONG_STANDING_YEARS:
            return self.filter(founded_early)
        assessments = self.model.assessments.rel.related_model.objects.filter(
            organisation=OuterRef("pk"), criterion__slug=LONG_STANDING, result="met"
        ).exclude(evidence_url="")
        return self.filter(founded_early | models.Q(Exists(assessments), founded__isnull=True))

    def search(self, text, some_words=False):
        """Matching organisations (all the words, or ``some_words``), annotated for ordering
        by relevance (orgs/search/)."""
        from . import search  # the search backends use the models this module serves

        return search.search(self, text, some_words)

    def matching(self, text, some_words=False):
        """Matching organisations, without ranking."""
        from . import search

        return search.matching(self, text, some_words)

    def by_relevance(self):
        """Exact and near-exact name matches first, then the best-ranked (after search())."""
        return self.order_by("-relevance", "name")

    def related_to(self, organisation, limit):
        """The ``limit`` organisations sharing the most pillars and countries of operation
        with ``organisation``, the largest overlap first (pillars and countries together, then
        pillars, then by name). Reads ``organisation``'s pillars and countries as prefetched,
        if they are."""
        pillars = [pillar.pk for pillar in organisation.pillars.all()]
        countries = [row.country.code for row in organisation.operating_countries.all()]
        if not pillars and not countries:
            return self.none()
        candidates = self.exclude(pk=organisation.pk)
        # Counted again for the chosen few only, to order them (and for anyone who reads them).
        shared_pillars = models.Count(
            "pillars", filter=models.Q(pillars__in=pillars), distinct=True
        )
        shared_countries = models.Count(
            "operating_countries",
            filter=models.Q(operating_countries__country__in=countries),
            distinct=True,
        )
        return (
            candidates.filter(pk__in=self._sharing_most(candidates, pillars, countries, limit))
            .annotate(shared_pillars=shared_pillars, shared_countries=shared_countries)
            .annotate(overlap=models.F("shared_pillars") + models.F("shared_countries"))
            .order_by("-overlap", "-shared_pillars", Lower("name"), "name")
        )

    def _sharing_most(self, candidates, pillars, countries, limit):
        """SQL for the ids of the ``limit`` ``candidates`` with the most of ``pillars`` and
        ``countries``, in ``related_to``'s order. It groups only the rows of the two relations
        that name one of them. With a few pillars nearly every listing shares one: joining each
        to all its pillars and countries to count them was most of a first-time profile's time
        at 10,000 listings. Django cannot group a UNION, hence the SQL."""
        countries_model = self.model.operating_countries.rel.related_model
        pillar_rows = self.model.pillars.through.objects.filter(pillar__in=pillars)
        country_rows = countries_model.objects.filter(country__in=countries)
        # One row per pillar or country shared: (listing, pillar or NULL), named alike in
        # both halves, for either may be left out (when the profile has no pillars or no
        # countries).
        rows = (
            pillar_rows.order_by()
            .values(listing=F("organisation_id"), shared_pillar=F("pillar_id"))
            .union(
                country_rows.order_by().values(
                    listing=F("organisation_id"),
                    shared_pillar=Value(None, output_field=models.BigIntegerField()),
                ),
                all=True,
            )
        )
        rows_sql, rows_params = rows.query.get_compiler(using=self.db).as_sql()
        candidates_sql, candidates_params = (
            candidates.order_by().values("pk", "name").query.get_compiler(using=self.db).as_sql()
        )
        # Only SQL that Django compiled is formatted in; every value is a bound parameter.
        sql = f"""
            SELECT candidate.pk FROM ({candidates_sql}) candidate
            JOIN (
                SELECT shared_row.listing,
                       COUNT(*) AS overlap, COUNT(shared_row.shared_pillar) AS pillars
                FROM ({rows_sql}) shared_row
                GROUP BY shared_row.listing
            ) shared ON shared.listing = candidate.pk
            ORDER BY shared.overlap DESC, shared.pillars DESC, LOWER(candidate.name),
                candidate.name
            LIMIT %s"""  # noqa: S608
        return RawSQL(sql, (*candidates_params, *rows_params, limit))  # noqa: S611

    def with_card_relations(self):
        """Everything a result card shows, fetched once for the whole page."""
        return (
            self.prefetch_related("pillars", "operating_countries")
            .with_vetting_counts()
            # A card leaves out a dead donation link (Organisation.card_donate_url), as a
            # profile does.
            .with_dead_links("donate_url")
        )

    def with_dead_links(self, *fields):
        """Whether each of the named link fields failed two checks in a row, as
        ``<field>_dead``, in the listings' own query (``Organisation.shown_link()``)."""
        from .models import LinkCheck

        return self.annotate(
            **{
                f"{field}_dead": Exists(LinkCheck.objects.dead().filter(url=OuterRef(field)))
                for field in fields
            }
        )

    def with_vetting_counts(self):
        """Each listing's criteria met and not met, and how many criteria there are, in the
        listings' own query (``Organisation.vetting_summary``)."""
        assessments = self.model.assessments.rel.related_model.objects
        criteria = assessments.model._meta.get_field("criterion").related_model.objects

        def count(rows):
            # COUNT as a plain function: an aggregate would make Django group the subquery.
            counted = rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
            return Coalesce(Subquery(counted), 0)

        def results(result):
            return count(assessments.filter(organisation=OuterRef("pk"), result=result))

        return self.annotate(
            criteria_met=results("met"),
            criteria_not_met=results("not-met"),
            criteria_total=count(criteria.all()),
        )

    def with_profile_relations(self):
        """Everything the profile page shows, fetched once."""
        return self.prefetch_related(
            "pillars",
            "exploitation_forms",
            "populations",
            "languages",
            "operating_countries",
            "sources",
            "assessments",
        ).with_vetting_counts()

    def vetting_totals(self, criteria):
        """Across these listings, held to ``criteria`` criteria, how many assessments are met,
        not met and not yet known (unknown or never assessed), in one query."""
        totals = self.aggregate(
            listings=models.Count("pk", distinct=True),
            met=models.Count("assessments", filter=models.Q(assessments__result="met")),
            not_met=models.Count("assessments", filter=models.Q(assessments__result="not-met")),
        )
        totals["assessments"] = totals["listings"] * criteria
        totals["unknown"] = totals["assessments"] - totals["met"] - totals["not_met"]
        return totals

    def with_snapshot_relations(self):
        """Everything ``Organisation.snapshot()`` reads, fetched once per batch."""
        return self.prefetch_related(
            "pillars",
            "exploitation_forms",
            "populations",
            "languages",
            "operating_countries",
            "sources",
        )

    def for_export(self):
        """Listings in a stable order (by slug) with everything a CSV row holds."""
        return self.order_by("slug").with_csv_relations()

    def with_csv_relations(self):
        """Everything a CSV row holds: the snapshot and the vetting assessments."""
        # Unordered: the CSV sorts them itself, so no join with the criteria.
        assessments = self.model.assessments.rel.related_model.objects.order_by()
        return self.with_snapshot_relations().prefetch_related(
            models.Prefetch("assessments", queryset=assessments)
        )

    def ordered_by(self, sort):
        orderings = {
            "name": [Lower("name"), "name"],
            "founded": [models.F("founded").asc(nulls_last=True), "name"],
            "reviewed": [models.F("last_reviewed_on").desc(nulls_last=True), "name"],
        }
        return self.order_by(*orderings.get(sort, ["name"]))

    def _having_any(self, rows, field, values):
        return self.filter(self._related(rows, field, values))

    @staticmethod
    def _related(rows, field, values):
        # EXISTS keeps one row per organisation however many values it matches, and lets the
        # database check each candidate through the relation's index.
        return Exists(rows.objects.filter(organisation=OuterRef("pk"), **{f"{field}__in": values}))
