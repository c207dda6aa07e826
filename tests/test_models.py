"""The model rules: what the database and validation refuse, and what listings report."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from orgs.models import Assessment, Criterion, Organisation, Source

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_two_organisations_cannot_share_a_slug(vocabulary):
    Organisation.objects.create(name="A", slug="same", summary="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="B", slug="same", summary="y")


def test_database_refuses_an_implausible_founding_year(vocabulary):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Old", slug="old", summary="x", founded=1200)


def test_founding_year_in_the_future_fails_validation(vocabulary):
    organisation = OrganisationFactory.build(founded=timezone.now().year + 1)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "founded" in error.value.message_dict


def test_summary_longer_than_300_characters_fails_validation(vocabulary):
    organisation = OrganisationFactory.build(summary="x" * 301)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "summary" in error.value.message_dict


def test_malformed_website_fails_validation(vocabulary):
    organisation = OrganisationFactory.build(website="not a url")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "website" in error.value.message_dict


def test_unknown_status_is_refused_by_the_database(vocabulary):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="X", slug="x", summary="x", status="deleted")


def test_years_active_counts_from_the_founding_year(vocabulary):
    organisation = OrganisationFactory.build(founded=timezone.now().year - 12)
    assert organisation.years_active == 12
    assert OrganisationFactory.build(founded=None).years_active is None


def test_publication_problems_name_the_missing_pillar_source_and_criteria(vocabulary):
    organisation = OrganisationFactory(status=Organisation.Status.DRAFT, sources=[])
    assert organisation.publication_problems() == [
        "choose at least one pillar",
        "add at least one source",
        "show with evidence that the criterion “Long-standing work” is met",
    ]
    organisation.pillars.set(organisation.pillars.model.objects.filter(slug="policy"))
    Source.objects.create(organisation=organisation, url="https://example.org/", supports="all")
    Assessment.objects.create(
        organisation=organisation,
        criterion=Criterion.objects.get(slug="long-standing"),
        result=Assessment.Result.MET,
        evidence_url="https://example.org/history",
        checked_on=timezone.localdate(),
    )
    assert organisation.publication_problems() == []


def test_published_excludes_drafts_and_archived_listings(organisation, draft, archived):
    assert list(Organisation.objects.published()) == [organisation]


def test_tags_are_read_as_a_list(vocabulary):
    organisation = OrganisationFactory.build(tags=" safe houses, ,aftercare ")
    assert organisation.tag_list == ["safe houses", "aftercare"]


def test_related_organisations_share_pillars_and_are_published(organisation, draft):
    close = OrganisationFactory(name="Close", pillars=["recovery", "education"])
    partial = OrganisationFactory(name="Partial", pillars=["recovery"])
    OrganisationFactory(name="Unrelated", pillars=["intelligence"])
    draft.pillars.set(organisation.pillars.all())
    assert list(organisation.related()) == [close, partial]


def test_related_organisations_fill_their_places_with_the_closest_published_ones(organisation):
    # Harbour Trust: recovery and education, in GB and IE. Listings that share more but are
    # not published take no place among the four shown.
    for status in [Organisation.Status.DRAFT, Organisation.Status.ARCHIVED]:
        OrganisationFactory(
            name=f"Not Shown ({status})",
            status=status,
            pillars=["recovery", "education"],
            countries=["GB", "IE"],
        )
    closest = [
        OrganisationFactory(name=name, pillars=["recovery", "education"], countries=["GB"])
        for name in ["Delta", "alpha", "Charlie", "bravo"]
    ]
    OrganisationFactory(name="Aardvark", pillars=["recovery", "education"])
    assert list(organisation.related()) == sorted(closest, key=lambda o: o.name.lower())
    assert organisation not in organisation.related(limit=10)


def test_a_listing_sharing_neither_pillars_nor_countries_has_no_related_ones(vocabulary):
    alone = OrganisationFactory(pillars=[], countries=[])
    OrganisationFactory(pillars=["recovery"], countries=["GB"])
    assert list(alone.related()) == []


def test_a_listing_without_pillars_or_countries_is_related_by_the_other(vocabulary):
    no_pillars = OrganisationFactory(pillars=[], countries=["GB", "FR"])
    no_countries = OrganisationFactory(pillars=["recovery"], countries=[])
    both = OrganisationFactory(name="Both", pillars=["recovery"], countries=["FR", "GB"])
    one = OrganisationFactory(name="One", pillars=["recovery"], countries=["GB"])
    elsewhere = OrganisationFactory(name="Elsewhere", pillars=["recovery"], countries=["DE"])
    assert list(no_pillars.related()) == [both, one]
    assert list(no_countries.related()) == [both, elsewhere, one]
