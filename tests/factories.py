"""Factories for test data: published, fully-sourced organisations unless told otherwise,
what the public sends the curators, and what the admin's organisation form posts."""

import factory
from django.utils import timezone

from orgs.models import (
    Assessment,
    Correction,
    Criterion,
    OperatingCountry,
    Organisation,
    OrganisationSuggestion,
    Pillar,
    Source,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n:03d}")
    slug = factory.Sequence(lambda n: f"organisation-{n:03d}")
    summary = "Works with communities over many years."
    description = "A longer account of the work, in our own words."
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.org/")
    founded = 2000
    hq_country = "GB"
    status = Organisation.Status.PUBLISHED
    last_reviewed_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def pillars(self, create, extracted, **kwargs):
        if create and extracted:
            self.pillars.set(
                Pillar.objects.filter(slug__in=extracted)
                if isinstance(extracted[0], str)
                else extracted
            )

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        for code in extracted or []:
            OperatingCountry.objects.create(organisation=self, country=code)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create and extracted is None:
            Source.objects.create(
                organisation=self, url=f"https://{self.slug}.example.org/about", supports="all"
            )

    @factory.post_generation
    def criteria_met(self, create, extracted, **kwargs):
        """``criteria_met=["long-standing"]``: those criteria assessed as met, with evidence."""
        for criterion in Criterion.objects.filter(slug__in=extracted or []):
            Assessment.objects.create(
                organisation=self,
                criterion=criterion,
                result=Assessment.Result.MET,
                evidence_url=f"https://{self.slug}.example.org/about",
                checked_on=timezone.localdate(),
            )


class OrganisationSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationSuggestion
        skip_postgeneration_save = True

    name = "Lantern Project"
    website = "https://lantern.example.org/"
    description = "Supports survivors of labour exploitation in Leeds with housing and advice."
    country = "GB"
    email = "sender@example.net"
    source_url = "https://register.example.org/lantern"

    @factory.post_generation
    def pillars(self, create, extracted, **kwargs):
        if create and extracted:
            self.pillars.set(Pillar.objects.filter(slug__in=extracted))


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    organisation = factory.SubFactory(OrganisationFactory)
    field = "website"
    proposed_value = "https://new-address.example.org/"
    evidence_url = "https://register.example.org/entry"
    email = "sender@example.net"


def form_data(**overrides):
    """What the admin's add form posts for a new listing, with one source."""
    data = {
        "name": "New Harbour",
        "slug": "new-harbour",
        "summary": "Long-term support for survivors.",
        "organisation_type": "charity-ngo",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-url": "https://new-harbour.example.org/about",
        "sources-0-supports": "name, mission",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
        "assessments-MIN_NUM_FORMS": "0",
        "assessments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def change_data(organisation, **overrides):
    """What the change form posts for an existing listing, unchanged, with its one source."""
    source = organisation.sources.get()
    data = form_data(
        name=organisation.name,
        summary=organisation.summary,
        organisation_type=organisation.organisation_type,
        pillars=[p.pk for p in organisation.pillars.all()],
        countries=[row.country.code for row in organisation.operating_countries.all()],
        **{
            "sources-INITIAL_FORMS": "1",
            "sources-0-id": str(source.pk),
            "sources-0-organisation": str(organisation.pk),
            "sources-0-url": source.url,
            "sources-0-supports": source.supports,
        },
    )
    data.update(overrides)
    return data
