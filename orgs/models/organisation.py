"""Organisations: the listings themselves, where they work, the sources behind them and
the text search reads."""

from datetime import timedelta
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import Country, CountryField
from simple_history.models import HistoricalRecords

from ..opendata import ids
from ..querysets import OrganisationQuerySet
from .curation import Criterion
from .vocabularies import ExploitationForm, Language, OrganisationType, Pillar, Population

EARLIEST_FOUNDING_YEAR = 1800
# The lists a historical record of a listing keeps with its own fields.
HISTORY_M2M_FIELDS = ["pillars", "exploitation_forms", "populations", "languages"]


# Fields copied as they are between the seeded file and a listing.
SCALAR_FIELDS = [
    "name",
    "summary",
    "description",
    "tags",
    "website",
    "donate_url",
    "volunteer_url",
    "founded",
    "organisation_type",
    "registration_regulator",
    "registration_number",
    "registration_url",
    "email",
    "phone",
    "helpline_name",
    "helpline_phone",
    "helpline_url",
    "status",
    "curator_note",
]


class HsdsIdField(models.UUIDField):
    """The HSDS id of a listing's ``organization`` or ``service`` (``role``), kept in its row
    so that the open data API finds one by its id with one indexed query. Written from the slug
    (which never changes) whenever the row is: ``save()`` and ``bulk_create()`` alike."""

    def __init__(self, *args, role, **kwargs):
        self.role = role
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, {**kwargs, "role": self.role}

    def pre_save(self, model_instance, add):
        value = ids.hsds_id(self.role, model_instance.slug)
        setattr(model_instance, self.attname, value)
        return value


class Organisation(models.Model):
    """A listed anti-trafficking organisation. Only published ones are ever shown publicly;
    drafts are being vetted and archived ones have left the directory."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The address of the public page; never changes."
    )
    summary = models.CharField(max_length=300, help_text="One or two sentences, in our own words.")
    description = models.TextField(blank=True, help_text="In our own words.")
    tags = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated topics that help search."
    )

    website = models.URLField(blank=True)
    donate_url = models.URLField("donation page", blank=True)
    volunteer_url = models.URLField("volunteering page", blank=True)

    founded = models.PositiveSmallIntegerField(
        "founding year",
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_FOUNDING_YEAR)],
    )
    hq_country = CountryField("headquarters country", blank=True, db_index=True)
    organisation_type = models.CharField(
        "type",
        max_length=30,
        choices=OrganisationType.choices,
        default=OrganisationType.CHARITY,
        db_index=True,
    )
    pillars = models.ManyToManyField(Pillar, related_name="organisations", blank=True)
    exploitation_forms = models.ManyToManyField(
        ExploitationForm,
        verbose_name="forms of exploitation addressed",
        related_name="organisations",
        blank=True,
    )
    populations = models.ManyToManyField(
        Population, verbose_name="populations served", related_name="organisations", blank=True
    )
    languages = models.ManyToManyField(Language, related_name="organisations", blank=True)

    registration_regulator = models.CharField("regulator", max_length=200, blank=True)
    registration_number = models.CharField("registration number", max_length=100, blank=True)
    registration_url = models.URLField("register entry", blank=True)

    email = models.EmailField("public email", blank=True)
    phone = models.CharField("public phone", max_length=100, blank=True)
    helpline_name = models.CharField(max_length=200, blank=True)
    helpline_phone = models.CharField(max_length=200, blank=True)
    helpline_url = models.URLField(blank=True)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_reviewed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When a curator last checked the whole listing against its sources; "
        "published listings are due again after REVIEW_INTERVAL_DAYS.",
    )
    curator_note = models.TextField(
        blank=True,
        help_text="Working notes for curators (why a fact is blank, what to check next); "
        "never shown publicly.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seed_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="What load_directory last wrote; a different current state means a curator "
        "edited the listing, and the loader leaves it alone.",
    )
    hsds_organization_uuid = HsdsIdField(role="organization")
    hsds_service_uuid = HsdsIdField(role="service")

    # The workflow: which status may follow which. Publishing, unpublishing and archiving
    # also need the publish permission (editors).
    TRANSITIONS = {
        Status.DRAFT: {Status.REVIEW, Status.ARCHIVED},
        Status.REVIEW: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
        Status.PUBLISHED: {Status.REVIEW, Status.ARCHIVED},
        Status.ARCHIVED: {Status.DRAFT},
    }
    PUBLISH_PERMISSION = "orgs.publish_organisation"

    objects = OrganisationQuerySet.as_manager()
    # Every change, by whom and when, field by field; viewable and revertible in the admin.
    history = HistoricalRecords(
        m2m_fields=HISTORY_M2M_FIELDS,
        excluded_fields=[
            "updated_at",
            "seed_fingerprint",
            "hsds_organization_uuid",
            "hsds_service_uuid",
        ],
        # Long enough to say how countries and sources changed (record_related_changes).
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["name"]
        permissions = [("publish_organisation", "Can publish, unpublish and archive listings")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(founded__isnull=True)
                | models.Q(founded__gte=EARLIEST_FOUNDING_YEAR, founded__lte=2100),
                name="organisation_founded_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "review", "published", "archived"]),
                name="organisation_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if getattr(self, "withheld_urls", None):
            raise RuntimeError("A listing with links withheld for display cannot be saved.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("orgs:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.founded and self.founded > timezone.now().year:
            raise ValidationError({"founded": "The founding year cannot be in the future."})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def review_due_on(self):
        if self.last_reviewed_on is None:
            return None
        return self.last_reviewed_on + timedelta(days=settings.REVIEW_INTERVAL_DAYS)

    @property
    def is_review_overdue(self):
        """A published listing whose yearly review is late (or that was never reviewed)."""
        if not self.is_published:
            return False
        return self.review_due_on is None or self.review_due_on < timezone.localdate()

    @property
    def years_active(self):
        if not self.founded:
            return None
        return max(timezone.now().year - self.founded, 0)

    @property
    def tag_list(self):
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def has_registration(self):
        return bool(self.registration_number or self.registration_regulator)

    @property
    def registration_label(self):
        """The regulator and the number, whichever are known: "Charity Commission for
        England and Wales, number 1049160", or "number 1158838" alone."""
        number = f"number {self.registration_number}" if self.registration_number else ""
        return ", ".join(part for part in [self.registration_regulator, number] if part)

    @property
    def has_contact(self):
        return bool(self.email or self.phone)

    @property
    def has_helpline(self):
        return bool(self.helpline_name or self.helpline_phone or self.helpline_url)

    # The links a profile may show, by field (sources and evidence are listed elsewhere).
    LINK_FIELDS = ["website", "donate_url", "volunteer_url", "registration_url", "helpline_url"]

    def linked_urls(self):
        """Every address this listing links to publicly: its own links, its sources and the
        evidence of its assessments (reads the prefetched relations)."""
        urls = {getattr(self, name) for name in self.LINK_FIELDS}
        urls |= {source.url for source in self.sources.all()}
        urls |= {assessment.evidence_url for assessment in self.assessments.all()}
        urls.discard("")
        return urls

    def shown_link(self, field):
        """The link in ``field`` as shown publicly: none once found dead (``with_dead_links()``
        on the queryset, or ``withhold_links()``)."""
        return "" if getattr(self, f"{field}_dead", False) else getattr(self, field)

    @property
    def card_donate_url(self):
        """The donation link a card shows (``with_dead_links("donate_url")`` on a card's
        queryset)."""
        return self.shown_link("donate_url")

    def withhold_links(self, urls):
        """Leave the given addresses (known to be dead) out of this instance as it is shown:
        its own links blanked, its sources left out of ``public_sources``, its evidence links
        blanked. For showing only: such an instance refuses to be saved."""
        urls = set(urls)
        if not urls:
            return
        self.withheld_urls = urls
        for name in self.LINK_FIELDS:
            if getattr(self, name) in urls:
                setattr(self, name, "")
        for assessment in self.assessments.all():
            if assessment.evidence_url in urls:
                assessment.evidence_url = ""

    @property
    def shown_sources(self):
        """The sources in the order curators gave them, without those withheld."""
        withheld = getattr(self, "withheld_urls", set())
        return [source for source in self.sources.all() if source.url not in withheld]

    @property
    def public_sources(self):
        """The sources a profile shows: the best kinds first (own site, register… copies
        last), in the order curators gave them within a kind, without those withheld."""
        return sorted(self.shown_sources, key=lambda source: source.kind_rank)

    @property
    def vetting_counts(self):
        """``(met, not met, not yet known, criteria)``: from the annotations of
        ``with_vetting_counts()`` when present (no query per card), else from the
        assessments."""
        if hasattr(self, "criteria_met"):
            met, not_met, total = self.criteria_met, self.criteria_not_met, self.criteria_total
        else:
            results = [assessment.result for assessment in self.assessments.all()]
            met, not_met = results.count("met"), results.count("not-met")
            total = Criterion.objects.count()
        return met, not_met, max(total - met - not_met, 0), total

    @property
    def vetting_summary(self):
        """The vetting at a glance, honestly: "4 of 5 criteria met", "2 of 5 criteria met,
        1 not met, 2 not yet known"."""
        met, not_met, unknown, total = self.vetting_counts
        parts = [f"{met} of {total} criteria met"]
        if not_met:
            parts.append(f"{not_met} not met")
        if unknown:
            parts.append(f"{unknown} not yet known")
        return ", ".join(parts)

    def snapshot(self):
        """Everything a curator can change in this listing, in a comparable form. The loader
        compares it with what it last wrote to tell a curator's edit from its own."""
        return {
            **{field: getattr(self, field) for field in SCALAR_FIELDS},
            "hq_country": self.hq_country.code or "",
            "last_reviewed_on": self.last_reviewed_on.isoformat()
            if self.last_reviewed_on
            else None,
            "pillars": sorted(p.slug for p in self.pillars.all()),
            "exploitation_forms": sorted(f.slug for f in self.exploitation_forms.all()),
            "populations": sorted(p.slug for p in self.populations.all()),
            "languages": sorted(language.code for language in self.languages.all()),
            "countries": sorted(row.country.code for row in self.operating_countries.all()),
            "sources": [
                [source.url, source.supports, source.kind, source.title]
                for source in self.sources.all()
            ],
        }

    @classmethod
    def record_history(cls, created=(), updated=(), *, user=None, reason, date):
        """One historical record per listing, with its lists as they are now, as a single
        save would write it. For listings written with their history held back
        (``skip_history_when_saving``, bulk writes): setting each list of a saved listing
        sends a record of its own, five records and ~40 queries for a new listing."""
        records = []
        for organisations, update in [(created, False), (updated, True)]:
            if organisations:
                records += cls.history.bulk_history_create(
                    organisations,
                    update=update,
                    default_user=user,
                    default_change_reason=reason,
                    default_date=date,
                )
        history_of = {record.id: record.history_id for record in records}
        history_model = cls.history.model
        for name in HISTORY_M2M_FIELDS:
            m2m = cls._meta.get_field(name)
            through = m2m.remote_field.through
            m2m_history = apps.get_model(
                history_model._meta.app_label, f"Historical{through.__name__}"
            )
            target = m2m.m2m_reverse_name()
            rows = through.objects.filter(organisation_id__in=history_of).values_list(
                "pk", "organisation_id", target
            )
            m2m_history.objects.bulk_create(
                m2m_history(
                    id=pk,
                    organisation_id=organisation_id,
                    history_id=history_of[organisation_id],
                    **{target: target_id},
                )
                for pk, organisation_id, target_id in rows
            )

    def related_record(self):
        """The countries and sources of this listing, which live in their own tables and so
        are not in its history rows; ``record_related_changes`` records what changed."""
        return {
            "Countries": [row.country.code for row in self.operating_countries.all()],
            "Sources": [f"{source.url} ({source.supports})" for source in self.sources.all()],
        }

    def record_related_changes(self, before):
        """Add a history record saying how the countries and sources changed since
        ``before`` (from ``related_record()``), if they did."""
        after = self.related_record()
        changes = []
        for label, old in before.items():
            new = after[label]
            if old != new:
                added = [item for item in new if item not in old]
                removed = [item for item in old if item not in new]
                parts = [f"added {', '.join(added)}" if added else ""]
                parts.append(f"removed {', '.join(removed)}" if removed else "")
                changes.append(f"{label}: " + "; ".join(part for part in parts if part))
        if changes:
            self._change_reason = ". ".join(changes)
            self.save(update_fields=["updated_at"])

    def publication_problems(self, mandatory=None):
        """What stops this listing from being published, in words a curator can act on.
        ``mandatory``: ``Criterion.objects.mandatory()`` fetched once, when checking many."""
        problems = []
        # .all() rather than .exists(), so a prefetched list answers without a query.
        if not self.pillars.all():
            problems.append("choose at least one pillar")
        if not self.sources.all():
            problems.append("add at least one source")
        met = {a.criterion_id for a in self.assessments.all() if a.is_met}
        for criterion in Criterion.objects.mandatory() if mandatory is None else mandatory:
            if criterion.pk not in met:
                problems.append(f"show with evidence that the criterion “{criterion}” is met")
        return problems

    def vetting(self, criteria=None):
        """Every criterion with this listing's assessment of it (None: not yet checked).
        ``criteria``: ``Criterion.objects.all()`` fetched once, when showing many."""
        assessments = {a.criterion_id: a for a in self.assessments.all()}
        if criteria is None:
            criteria = Criterion.objects.all()
        return [(criterion, assessments.get(criterion.pk)) for criterion in criteria]

    def transition_problems(self, status, user=None):
        """Why this listing cannot move to ``status`` (for ``user``, when given)."""
        problems = self.workflow_problems(status, user)
        if not problems and status == self.Status.PUBLISHED:
            return self.publication_problems()
        return problems

    def workflow_problems(self, status, user=None):
        """Whether the workflow allows the move, and ``user`` may make it (not whether the
        listing is ready to publish: that is ``publication_problems()``)."""
        current, wanted = self.Status(self.status), self.Status(status)
        if wanted == current:
            return [f"it is already {wanted.label.lower()}"]
        if wanted not in self.TRANSITIONS[current]:
            return [
                f"a listing that is {current.label.lower()} cannot become {wanted.label.lower()}"
            ]
        needs_editor = wanted in {self.Status.PUBLISHED, self.Status.ARCHIVED} or (
            current == self.Status.PUBLISHED
        )
        if needs_editor and user is not None and not user.has_perm(self.PUBLISH_PERMISSION):
            return ["only editors may publish, unpublish or archive a listing"]
        return []

    def move_to(self, status, by=None):
        """Change the status along the workflow, recording who and when (here and in the
        history). Raises ValidationError with the reasons when the move is not allowed."""
        problems = self.transition_problems(status, by)
        if problems:
            raise ValidationError(problems)
        before = self.get_status_display()
        self.status = status
        self.status_changed_at = timezone.now()
        self.status_changed_by = by
        self._change_reason = f"Status: {before} → {self.get_status_display()}"
        if by is not None:
            self._history_user = by
        self.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])

    def mark_reviewed(self, by=None, on=None):
        self.last_reviewed_on = on or timezone.localdate()
        self._change_reason = "Reviewed"
        if by is not None:
            self._history_user = by
        self.save(update_fields=["last_reviewed_on", "updated_at"])

    def related(self, limit=4):
        """Other published organisations with the most pillars and countries of operation in
        common with this one (``OrganisationQuerySet.related_to``)."""
        return Organisation.objects.published().related_to(self, limit).with_card_relations()


class OperatingCountryQuerySet(models.QuerySet):
    def with_published_counts(self):
        """Every country where published organisations work, with how many, by country name."""
        rows = (
            self.filter(organisation__status=Organisation.Status.PUBLISHED)
            .values("country")
            .annotate(organisation_count=models.Count("organisation", distinct=True))
            .order_by()
        )
        listed = [(Country(code=row["country"]), row["organisation_count"]) for row in rows]
        return sorted(listed, key=lambda pair: pair[0].name)

    def with_published_pillar_counts(self, pillars):
        """For each country where published organisations work, one row: ``country``,
        ``total`` (organisations working there) and, for each of ``pillars``, the number
        working there on that pillar, as ``pillar_<pk>``. One query, whatever the number of
        countries."""
        working = self.filter(organisation__status=Organisation.Status.PUBLISHED)
        per_pillar = {
            f"pillar_{pillar.pk}": models.Count(
                "organisation",
                filter=models.Q(organisation__pillars=pillar.pk),
                distinct=True,
            )
            for pillar in pillars
        }
        return (
            working.values("country")
            .annotate(total=models.Count("organisation", distinct=True), **per_pillar)
            .order_by()
        )


class OperatingCountry(models.Model):
    """A country an organisation works in (one row each, so filters and counts are plain SQL)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="operating_countries"
    )
    country = CountryField()

    objects = OperatingCountryQuerySet.as_manager()

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "countries of operation"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "country"], name="operating_country_once"
            )
        ]
        indexes = [models.Index(fields=["country"])]

    def __str__(self):
        return self.country.name


class Source(models.Model):
    """A public page that supports facts in a listing, which facts it supports, and what kind
    of page it is: a donor trusts the organisation's own report or a register more than a
    copy of either, so the profile shows the best kinds first and labels copies."""

    class Kind(models.TextChoices):
        # In order of preference (issue 14): the profile lists sources in this order.
        OWN_SITE = "own-site", "Organisation's own site"
        REGISTER = "register", "Official register"
        OFFICIAL = "official", "UN or government report"
        PRESS = "press", "Established press"
        REFERENCE = "reference", "Reference work"
        UNCLASSIFIED = "", "Not yet classified"
        COPY = "copy", "Copy of another site"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField("URL", max_length=500)
    title = models.CharField(
        max_length=300,
        blank=True,
        help_text="The page's own title, as a reader would recognise it; the profile shows "
        "it instead of the address.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True, default="")
    supports = models.CharField(
        max_length=500, help_text="Which facts this page supports, e.g. 'founding year, website'."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["own-site", "register", "official", "press", "reference", "", "copy"]
                ),
                name="source_kind_valid",
            )
        ]

    def __str__(self):
        return self.url

    @property
    def kind_rank(self):
        return list(self.Kind.values).index(self.kind)

    @property
    def is_copy(self):
        return self.kind == self.Kind.COPY

    @property
    def domain(self):
        """The site, as people say it: "gov.uk", not "https://www.gov.uk:443"."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")

    @property
    def label(self):
        """What the profile calls the page: its title, else its path (never a whole address
        that breaks mid-word on a phone), else its site."""
        if self.title:
            return self.title
        parts = urlsplit(self.url)
        path = unquote(parts.path).strip("/")
        return path.replace("/", " › ") if path else self.domain


class SearchDocument(models.Model):
    """The searchable text of one organisation and its facet keys, rewritten by
    ``orgs.search.documents.refresh()`` whenever the listing or its terms change (signal
    handlers and every bulk path call it). Each database indexes it in its own way, created by
    migration 0011: a generated, weighted, GIN-indexed ``search_vector`` on PostgreSQL (a plain
    empty column on SQLite), an FTS5 table kept in step by triggers on SQLite (SearchIndex).
    Never saved through the ORM: PostgreSQL computes ``search_vector`` itself."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        db_constraint=False,
    )
    name = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    terms = models.TextField(blank=True, help_text="Pillars, forms of exploitation, populations.")
    description = models.TextField(blank=True)
    # Facet keys, so that all facets are counted in one pass over the matches
    # (orgs/search/facets.py). Bit n of a mask: the term with id n.
    pillar_mask = models.BigIntegerField(default=0)
    exploitation_form_mask = models.BigIntegerField(default=0)
    population_mask = models.BigIntegerField(default=0)
    organisation_type = models.CharField(max_length=30, blank=True)
    hq_country = models.CharField(max_length=2, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    def __str__(self):
        return self.name


class SearchIndex(models.Model):
    """SQLite only: the FTS5 table over the search documents (external content, created with
    its triggers by migration 0011). ``match`` is FTS5's hidden column named after the table,
    the left side of ``MATCH`` and the argument of ``bm25()`` (orgs/search/sqlite.py)."""

    document = models.OneToOneField(
        SearchDocument,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="index",
    )
    match = models.TextField(db_column="orgs_organisation_fts")

    class Meta:
        managed = False
        db_table = "orgs_organisation_fts"

    def __str__(self):
        return str(self.pk)


class ListingDueForReview(Organisation):
    """Published listings whose yearly review is due: the curators' review queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = "listing due for review"
        verbose_name_plural = "listings due for review"
