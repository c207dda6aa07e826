"""Shared fixtures: the vocabularies from the seeded file, and a few organisations."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from orgs.management.commands.load_directory import DEFAULT_FILE, Command
from orgs.models import Organisation

from .factories import OrganisationFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (the spelling vocabulary lives there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed_data():
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def vocabulary(db, seed_data):
    """The four pillars, forms of exploitation, populations and languages, as seeded."""
    Command().load_vocabularies(seed_data)


@pytest.fixture
def organisation(vocabulary):
    return OrganisationFactory(
        name="Harbour Trust",
        slug="harbour-trust",
        summary="Runs safe houses and long-term support for survivors in Bristol.",
        tags="safe houses, aftercare",
        founded=1995,
        hq_country="GB",
        pillars=["recovery", "education"],
        countries=["GB", "IE"],
    )


@pytest.fixture
def draft(vocabulary):
    return OrganisationFactory(
        name="Hidden Draft", slug="hidden-draft", status=Organisation.Status.DRAFT
    )


@pytest.fixture
def archived(vocabulary):
    return OrganisationFactory(
        name="Old Archive", slug="old-archive", status=Organisation.Status.ARCHIVED
    )


def staff_user(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def curator(db, django_user_model):
    """Staff who may add and change listings, but not publish or archive them."""
    return staff_user(
        django_user_model,
        "curator",
        "view_organisation",
        "add_organisation",
        "change_organisation",
    )


@pytest.fixture
def editor(db, django_user_model):
    """Staff who may also publish and archive."""
    return staff_user(
        django_user_model,
        "editor",
        "view_organisation",
        "add_organisation",
        "change_organisation",
        "publish_organisation",
    )


@pytest.fixture
def viewer(db, django_user_model):
    """Staff who may only look at listings."""
    return staff_user(django_user_model, "viewer", "view_organisation")
