"""The domain of Pillars: organisations, the four pillars they work on, and the vocabularies
that describe them (forms of exploitation, populations served, languages)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from .querysets import OrganisationQuerySet

EARLIEST_FOUNDING_YEAR = 1800


class Term(models.Model):
    """A named entry of a controlled vocabulary, addressed in URLs by its slug."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists and filters.")

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Pillar(Term):
    """One of the four kinds of long-term work that end trafficking: intelligence, education,
    policy and recovery. The directory is organised around them."""

    class Meta(Term.Meta):
        pass

    def get_absolute_url(self):
        return reverse("orgs:pillar", kwargs={"slug": self.slug})


class ExploitationForm(Term):
    """A form of exploitation an organisation addresses (forced labour, sexual exploitation…)."""

    class Meta(Term.Meta):
        verbose_name = "form of exploitation"
        verbose_name_plural = "forms of exploitation"


class Population(Term):
    """A group of people an organisation serves (children, migrant workers, survivors…)."""

    class Meta(Term.Meta):
        pass


class Language(models.Model):
    """A language an organisation works in, by ISO 639 code."""

    code = models.CharField(
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2,3}$", "Use a two- or three-letter ISO 639 code.")],
        help_text="ISO 639-1 code (ISO 639-3 where there is none).",
    )
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationType(models.TextChoices):
    CHARITY = "charity-ngo", "Charity or NGO"
    NETWORK = "network-coalition", "Network or coalition"
    FUNDER = "funder", "Funder"
    RESEARCH = "research-body", "Research body"
    SURVIVOR_LED = "survivor-led", "Survivor-led group"


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
]


class Organisation(models.Model):
    """A listed anti-trafficking organisation. Only published ones are ever shown publicly;
    drafts are being vetted and archived ones have left the directory."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
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
    last_reviewed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seed_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="What load_directory last wrote; a different current state means a curator "
        "edited the listing, and the loader leaves it alone.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(founded__isnull=True)
                | models.Q(founded__gte=EARLIEST_FOUNDING_YEAR, founded__lte=2100),
                name="organisation_founded_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "archived"]),
                name="organisation_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

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
    def has_contact(self):
        return bool(self.email or self.phone)

    @property
    def has_helpline(self):
        return bool(self.helpline_name or self.helpline_phone or self.helpline_url)

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
            "sources": [[source.url, source.supports] for source in self.sources.all()],
        }

    def publication_problems(self):
        """What stops this listing from being published, in words a curator can act on."""
        problems = []
        # .all() rather than .exists(), so a prefetched list answers without a query.
        if not self.pillars.all():
            problems.append("choose at least one pillar")
        if not self.sources.all():
            problems.append("add at least one source")
        return problems

    def related(self, limit=4):
        """Other published organisations sharing the most pillars with this one."""
        return (
            Organisation.objects.published()
            .exclude(pk=self.pk)
            .sharing_pillars_with(self)
            .with_card_relations()[:limit]
        )


class OperatingCountry(models.Model):
    """A country an organisation works in (one row each, so filters and counts are plain SQL)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="operating_countries"
    )
    country = CountryField()

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
    """A public page that supports facts in a listing, and which facts it supports."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField("URL", max_length=500)
    supports = models.CharField(
        max_length=300, help_text="Which facts this page supports, e.g. 'founding year, website'."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.url


class SearchDocument(models.Model):
    """The searchable text of one organisation, kept up to date by database triggers
    (see orgs/search/schema.py), never written by Django. The full-text index of each database
    is built from it: a weighted tsvector on PostgreSQL, an FTS5 table on SQLite."""

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
    # Facet keys, copied by the same triggers, so that all facets are counted in one pass over
    # the matches (orgs/search/facets.py). Bit n of a mask: the term with id n.
    pillar_mask = models.BigIntegerField(default=0)
    exploitation_form_mask = models.BigIntegerField(default=0)
    population_mask = models.BigIntegerField(default=0)
    organisation_type = models.CharField(max_length=30, blank=True)
    hq_country = models.CharField(max_length=2, blank=True)

    def __str__(self):
        return self.name
