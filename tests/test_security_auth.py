"""Staff accounts are hard to take over: the client's address is read from the trusted proxies
only; failed sign-ins lock out (per account and address, and per address) with a page saying
when to try again, and editors unlock curators; every staff account gives a TOTP code (or a
recovery code) before any admin page; staff sessions end; and an editor manages curators'
accounts only, by every path."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.urls import reverse

from orgs.client_ip import client_ip, client_key, lockout_address

from .conftest import member_of

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
PASSWORD = "a-Long-enough-passphrase-1"


def request_from(remote_addr, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


# The client's address


def test_client_address_is_remote_addr_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_client_address_is_the_entry_the_outermost_trusted_proxy_appended(settings):
    # The client wrote "203.0.113.66"; our proxy appended what it saw, 198.51.100.20.
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "203.0.113.66, 198.51.100.20")
    assert client_ip(request) == "198.51.100.20"
    settings.TRUSTED_PROXY_COUNT = 2  # a CDN appends, then our own proxy
    request = request_from("10.0.0.2", "203.0.113.66, 198.51.100.20, 192.0.2.9")
    assert client_ip(request) == "198.51.100.20"


def test_a_malformed_or_missing_forwarded_entry_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "203.0.113.1, not-an-address")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2", "198.51.100.20")) == "10.0.0.2"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


def test_an_ipv6_client_is_counted_by_its_64_network(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    one = request_from("10.0.0.2", "2001:db8:1:2:aaaa::1")
    other = request_from("10.0.0.2", "2001:db8:1:2:ffff::9%made-up-zone")
    assert client_ip(one) == "2001:db8:1:2:aaaa::1"
    assert client_key(one) == client_key(other) == "2001:db8:1:2::/64"
    assert lockout_address(one) == lockout_address(other) == "2001:db8:1:2::"
    assert client_key(request_from("10.0.0.2", "2001:db8:1:3::1")) != client_key(one)
    assert client_key(request_from("198.51.100.7")) == "198.51.100.7"


# An editor manages curators' accounts, and only theirs


@pytest.fixture
def curator_account(db):
    return member_of("Curators", "plain-curator")


def with_direct_permission(db):
    user = User.objects.create_user("delegate", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_group"))
    return user


def curator_with_direct_permission(db):
    user = member_of("Curators", "curator-plus")
    user.user_permissions.add(Permission.objects.get(codename="change_group"))
    return user


def in_no_group(db):
    return User.objects.create_user("loner", password=PASSWORD, is_staff=True)


def another_editor(db):
    return member_of("Editors", "other-editor")


def superuser(db):
    return User.objects.create_superuser("root", password=PASSWORD)


def curator_and_editor(db):
    user = member_of("Curators", "both")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


ABOVE_CURATORS = [
    with_direct_permission,
    curator_with_direct_permission,
    in_no_group,
    another_editor,
    superuser,
    curator_and_editor,
]


@pytest.mark.parametrize("make_account", ABOVE_CURATORS, ids=lambda f: f.__name__)
def test_an_editor_cannot_reach_an_account_above_a_curator_by_any_path(
    editor_client, make_account, db
):
    account = make_account(db)
    old_hash = account.password
    listed = editor_client.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
    assert account not in listed

    password = reverse("admin:auth_user_password_change", args=[account.pk])
    assert editor_client.get(password).status_code in {403, 404}
    response = editor_client.post(
        password, {"password1": "Taken-0ver-pass", "password2": "Taken-0ver-pass"}
    )
    assert response.status_code in {403, 404}

    change = reverse("admin:auth_user_change", args=[account.pk])
    response = editor_client.get(change)
    assert response.status_code in {403, 404} or response.url == INDEX  # "doesn't exist"
    editor_client.post(change, {"username": "renamed", "is_active": ""})
    delete = reverse("admin:auth_user_delete", args=[account.pk])
    editor_client.post(delete, {"post": "yes"})
    history = reverse("admin:auth_user_history", args=[account.pk])
    response = editor_client.get(history)
    assert response.status_code in {403, 404} or response.url == INDEX
    editor_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [account.pk], "post": "yes"},
    )

    account.refresh_from_db()
    assert account.password == old_hash
    assert account.username != "renamed" and account.is_active


def test_an_editor_still_sets_a_curators_password(editor_client, curator_account):
    password = reverse("admin:auth_user_password_change", args=[curator_account.pk])
    response = editor_client.post(
        password,
        {
            "password1": "A-new-passphrase-42",
            "password2": "A-new-passphrase-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    curator_account.refresh_from_db()
    assert curator_account.check_password("A-new-passphrase-42")


def test_a_superuser_reaches_every_account(admin_client, db):
    account = with_direct_permission(db)
    password = reverse("admin:auth_user_password_change", args=[account.pk])
    assert admin_client.get(password).status_code == 200
