"""Shared fixtures: the vocabularies from the seeded file, and a few organisations; test clients
whose staff have given their second factor."""

import json
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs import caching
from orgs.management.commands.load_directory import DEFAULT_FILE, Command
from orgs.models import (
    Assessment,
    Criterion,
    ExploitationForm,
    Language,
    OperatingCountry,
    Organisation,
    Pillar,
    Population,
)

from .factories import CorrectionFactory, OrganisationFactory, OrganisationSuggestionFactory

# Several connections writing at once need a database server: these run in the PostgreSQL
# half of `make test` (SQLite has one writer by design), and are not collected on SQLite.
POSTGRESQL_ONLY = ["test_concurrency.py"]
# These start their own servers on databases of their own (gunicorn on a scratch SQLite file;
# the outage and backup drills on a throwaway PostgreSQL server each), so the run's database
# plays no part in them: they run once, in the SQLite half, the shorter of the two that
# `make test` runs side by side.
OWN_SERVERS = ["test_backup.py", "test_gunicorn.py", "test_outage.py"]
collect_ignore = OWN_SERVERS if connection.vendor == "postgresql" else POSTGRESQL_ONLY


@pytest.fixture(autouse=True)
def fresh_cache(request):
    """Each test starts with empty caches (the submission counts live in "default", search
    results in "search", the spelling vocabulary in "local"), so query counts never depend on
    which tests ran before. The database cache is cleared only where the test may use the
    database."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)

    def clear():
        for cache in caches.all():
            if uses_db or not isinstance(cache, DatabaseCache):
                cache.clear()

    clear()
    yield
    clear()


@contextmanager
def kept_for_the_class(django_db_blocker):
    """In a class-scoped fixture: what the fixture writes inside this block is seen by every
    test of the class and rolled back after its last one. Each test's own transaction nests
    in this one and rolls back to it, as with Django's ``TestCase.setUpTestData``: data that
    takes seconds to make (the seeded directory, dozens of listings) is made once."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def verify_second_factor(client, user):
    """Mark ``client``'s session as having given ``user``'s second factor, as the verify page
    does (``django_otp.login``), with a TOTP device made for the test."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class SecondFactorClient(Client):
    """A test client whose ``force_login`` of a staff member also gives the second factor the
    admin asks for. Tests of the second factor itself use Django's plain ``Client``."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.is_staff:
            verify_second_factor(self, user)


@pytest.fixture
def client():
    return SecondFactorClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's, signed in with the second factor."""
    client = SecondFactorClient()
    client.force_login(admin_user)
    return client


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


def member_of(role, username):
    user = User.objects.create_user(username, password="not-a-real-password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def curator(db):
    """A staff user in the Curators role (created by a data migration)."""
    return member_of("Curators", "curator")


@pytest.fixture
def editor(db):
    """A staff user in the Editors role."""
    return member_of("Editors", "editor")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def staff_user(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def viewer(db, django_user_model):
    """Staff who may only look at listings."""
    return staff_user(django_user_model, "viewer", "view_organisation")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …``: what the block writes is committed, as far as the caches can
    tell (a test runs in one transaction that never commits). What was written before counts
    as committed too: its pending bump is dropped, so the block schedules its own."""

    def commit():
        connection.run_on_commit = [
            pending for pending in connection.run_on_commit if pending[1] is not caching.bump
        ]
        return django_capture_on_commit_callbacks(execute=True)

    return commit


# Open data (issue 17): a directory holding everything that must never be published.
SECRET_CURATOR = "curator-secret-name"
SECRET_SENDER = "sender-secret@example.net"
HIDDEN_SLUGS = ["hidden-draft", "waiting-review", "old-archive"]


@pytest.fixture
def open_directory(vocabulary):
    """Two published listings with every public fact, vetting checked by a curator with a
    public note; a draft, a listing in review and an archived one; a suggestion and a
    correction from senders who gave their email. ``SECRET_*`` and ``HIDDEN_SLUGS`` must
    never appear in open data."""
    curator = User.objects.create_user(SECRET_CURATOR, password="x", is_staff=True)
    harbour = OrganisationFactory(
        name="Harbour Trust",
        slug="harbour-trust",
        summary="Runs safe houses and long-term support for survivors in Bristol.",
        description="Safe houses, then years of support.",
        tags="safe houses, aftercare",
        founded=1995,
        hq_country="GB",
        email="hello@harbour.example.org",
        phone="+44 117 496 0000",
        helpline_name="Harbour line",
        helpline_phone="0800 000 0000",
        helpline_url="https://harbour.example.org/line",
        donate_url="https://harbour.example.org/give",
        registration_regulator="Charity Commission",
        registration_number="1234567",
        registration_url="https://register.example.org/1234567",
        pillars=["recovery", "education"],
        countries=["GB", "IE"],
        criteria_met=["long-standing", "registered"],
    )
    harbour.exploitation_forms.set(ExploitationForm.objects.all()[:2])
    harbour.populations.set(Population.objects.all()[:2])
    harbour.languages.set(Language.objects.filter(code__in=["en", "ro"]))
    Assessment.objects.filter(organisation=harbour).update(
        checked_by=curator, note="Registered since 1996."
    )
    Assessment.objects.create(
        organisation=harbour,
        criterion=Criterion.objects.get(slug="local-partners"),
        result=Assessment.Result.UNKNOWN,
        note="Asked them in March.",
        checked_by=curator,
    )
    beacon = OrganisationFactory(
        name="Beacon Network",
        slug="beacon-network",
        founded=2010,
        hq_country="NP",
        pillars=["policy"],
        countries=["NP", "IN"],
        criteria_met=["long-standing"],
    )
    Organisation.objects.filter(pk__in=[harbour.pk, beacon.pk]).update(status_changed_by=curator)
    hidden = [
        OrganisationFactory(name="Hidden Draft", slug="hidden-draft", status="draft"),
        OrganisationFactory(name="Waiting Review", slug="waiting-review", status="review"),
        OrganisationFactory(name="Old Archive", slug="old-archive", status="archived"),
    ]
    for organisation in hidden:
        organisation.pillars.set(Pillar.objects.all())
        OperatingCountry.objects.create(organisation=organisation, country="FR")
    OrganisationSuggestionFactory(email=SECRET_SENDER, pillars=["recovery"])
    CorrectionFactory(organisation=harbour, email=SECRET_SENDER)
    return {"published": [harbour, beacon], "hidden": hidden, "curator": curator}
