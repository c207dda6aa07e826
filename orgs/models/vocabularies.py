"""Controlled vocabularies: the four pillars, forms of exploitation, populations served,
languages and organisation types."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse


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


class PillarQuerySet(models.QuerySet):
    def with_organisation_counts(self, country=None):
        """Each pillar with ``organisation_count``: published organisations working on it
        (in ``country``, an ISO alpha-2 code, when given)."""
        working = models.Q(organisations__status="published")
        if country:
            working &= models.Q(organisations__operating_countries__country=country)
        # Aggregating queries ignore Meta.ordering, so the order is spelt out.
        return self.annotate(
            organisation_count=models.Count("organisations", filter=working, distinct=True)
        ).order_by("position", "name")


class Pillar(Term):
    """One of the four kinds of long-term work that end trafficking: intelligence, education,
    policy and recovery. The directory is organised around them."""

    objects = PillarQuerySet.as_manager()

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
