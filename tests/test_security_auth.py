"""Staff accounts are hard to take over: the client's address is read from the trusted proxies
only; failed sign-ins lock out (per account and address, and per address) with a page saying
when to try again, and editors unlock curators; every staff account gives a TOTP code (or a
recovery code) before any admin page; staff sessions end; and an editor manages curators'
accounts only, by every path."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs.client_ip import client_ip, client_key, lockout_address
from orgs.staff import sessions

from .conftest import SecondFactorClient, member_of

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
VERIFY = reverse("admin:verify_second_factor")
ENROL = reverse("admin:enrol_second_factor")
ATTEMPTS = reverse("admin:axes_accessattempt_changelist")
PASSWORD = "a-Long-enough-passphrase-1"


def request_from(remote_addr, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": INDEX}, **extra)


@pytest.fixture
def curator_with_password(db):
    user = member_of("Curators", "kim")
    user.set_password(PASSWORD)
    user.save()
    return user


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


def test_sign_in_failures_are_counted_by_the_address_the_trusted_proxy_saw(
    settings, curator_with_password
):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(
        Client(),
        "kim",
        "wrong",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20",
    )
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"


# Lockout after failed sign-ins


def test_five_wrong_passwords_lock_the_account_from_that_address(curator_with_password):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "kim", "wrong").status_code == 200
    assert sign_in(client, "kim", "wrong").status_code == 429
    # Even the right password now: no session.
    response = sign_in(client, "kim")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The same account from another address is not locked.
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(other, "kim").status_code == 302
    assert "_auth_user_id" in other.session


def test_the_lockout_page_says_when_to_try_again_and_whom_to_ask(curator_with_password):
    client = Client()
    for _ in range(5):
        response = sign_in(client, "kim", "wrong")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "You can try again after" in html
    assert "ask an editor" in html
    assert 'class="site-header"' in html  # the site's own layout


def test_a_locked_out_client_costs_no_password_hash(curator_with_password):
    client = Client()
    for _ in range(5):
        sign_in(client, "kim", "wrong")
    with mock.patch.object(User, "check_password", autospec=True) as check_password:
        for _ in range(10):
            assert sign_in(client, "kim", "wrong").status_code == 429
    assert check_password.call_count == 0


def test_one_address_trying_many_accounts_is_locked_at_the_address_limit(
    settings, curator_with_password
):
    settings.STAFF_LOGIN_ADDRESS_LIMIT = 8
    client = Client()
    for name in ["a", "b", "c", "d"]:
        for _ in range(2):
            sign_in(client, name, "wrong")
    # No single account reached 5, but the address reached 8: even the right password waits.
    assert sign_in(client, "kim").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "kim").status_code == 302


def test_one_account_guessed_from_many_addresses_is_locked_at_the_account_limit(
    settings, curator_with_password
):
    settings.STAFF_LOGIN_ACCOUNT_TOTAL_LIMIT = 9
    # Three addresses, each staying under the account-and-address limit of 5.
    answers = [
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "kim", "wrong").status_code
        for n in range(3)
        for _ in range(3)
    ]
    assert answers == [200] * 8 + [429]
    # The account is locked from every address, until the cool-off or an editor's unlock;
    # another account is not.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.1"), "kim").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="192.0.2.1"), "lee", "wrong").status_code == 200


def test_the_lock_ends_after_the_cool_off(curator_with_password):
    client = Client()
    for _ in range(5):
        sign_in(client, "kim", "wrong")
    assert sign_in(client, "kim").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert sign_in(client, "kim").status_code == 302


def lock_out(username):
    client = Client()
    for _ in range(5):
        sign_in(client, username, "wrong")
    return AccessAttempt.objects.get(username=username)


def test_an_editor_unlocks_a_curator(editor_client, curator_with_password):
    attempt = lock_out("kim")
    response = editor_client.post(
        ATTEMPTS, {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "Unlocked 1: kim from 127.0.0.1." in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert sign_in(Client(), "kim").status_code == 302


def test_an_editor_cannot_see_or_unlock_an_editors_or_a_superusers_lockout(editor_client, db):
    other_editor = member_of("Editors", "eve")
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    attempts = [lock_out(other_editor.username), lock_out(boss.username), lock_out("nobody")]
    listed = editor_client.get(ATTEMPTS).context["cl"].result_list
    assert [a.username for a in listed] == ["nobody"]
    editor_client.post(
        ATTEMPTS, {"action": "unlock", "_selected_action": [a.pk for a in attempts[:2]]}
    )
    delete = reverse("admin:axes_accessattempt_delete", args=[attempts[0].pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code in {302, 403, 404}
    assert AccessAttempt.objects.count() == 3


def test_a_curator_cannot_unlock(curator_client, curator_with_password):
    lock_out("kim")
    assert curator_client.get(ATTEMPTS).status_code == 403


# The second factor


def test_staff_with_a_password_only_are_sent_to_set_up_a_second_factor(curator):
    client = Client()
    client.force_login(curator)
    for url in [
        INDEX,
        reverse("admin:orgs_organisation_changelist"),
        reverse("admin:password_change"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{ENROL}?next={url.replace('/', '%2F')}"


def test_staff_with_a_device_give_a_code_before_any_admin_page(curator):
    TOTPDevice.objects.create(user=curator, name="Phone", confirmed=True)
    client = Client()
    client.force_login(curator)
    response = client.get(reverse("admin:orgs_organisation_changelist"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    # Signing in with the password alone is refused by the site, whatever the view.
    assert client.get(f"{INDEX}orgs/organisation/add/").status_code == 302


def test_a_right_code_opens_the_admin_and_a_wrong_one_is_refused_then_slowed(curator):
    device = TOTPDevice.objects.create(user=curator, name="Phone", confirmed=True)
    client = Client()
    client.force_login(curator)
    response = client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "1"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    # Right away again, even the right code waits: django-otp's throttling (1, 2, 4… s).
    response = client.post(VERIFY, {"code": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    next_url = reverse("admin:orgs_organisation_changelist")
    response = client.post(VERIFY, {"code": code_for(device), "next": next_url})
    assert response.status_code == 302 and response.url == next_url
    assert client.get(INDEX).status_code == 200


def test_the_verify_page_goes_nowhere_outside_the_site(curator):
    device = TOTPDevice.objects.create(user=curator, name="Phone", confirmed=True)
    client = Client()
    client.force_login(curator)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.url == INDEX


def test_enrolment_shows_a_qr_code_and_the_secret_then_recovery_codes_once(curator):
    client = Client()
    client.force_login(curator)
    page = client.get(f"{ENROL}?next={INDEX}")
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=curator, confirmed=False)
    assert "<svg" in html and "<img" not in html  # drawn inline, nothing fetched
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    # Reloading keeps the same secret until it is confirmed.
    assert client.get(ENROL).context["secret"] == page.context["secret"]

    assert "not right" in client.post(ENROL, {"code": "12345"}).content.decode()
    device.throttle_reset()
    response = client.post(ENROL, {"code": code_for(device), "next": INDEX})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INDEX).status_code == 200
    # Shown once: the page now sends a verified user on.
    assert client.get(ENROL).status_code == 302


def test_a_recovery_code_signs_in_once(curator):
    TOTPDevice.objects.create(user=curator, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=curator, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    first = Client()
    first.force_login(curator)
    assert first.post(VERIFY, {"code": "ABCD 2345"}).status_code == 302
    assert first.get(INDEX).status_code == 200
    second = Client()
    second.force_login(curator)
    StaticDevice.objects.filter(pk=static.pk).update(throttling_failure_count=0)
    response = second.post(VERIFY, {"code": "abcd2345"})
    assert response.status_code == 200 and "not right" in response.content.decode()


def test_a_stolen_password_cannot_add_a_device_to_an_enrolled_account(curator):
    TOTPDevice.objects.create(user=curator, name="Phone", confirmed=True)
    client = Client()
    client.force_login(curator)
    assert client.get(ENROL).url.startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"}).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=curator).count() == 1


def test_staff_may_sign_out_before_giving_the_second_factor(curator):
    client = Client()
    client.force_login(curator)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_device_of_someone_else_does_not_verify(curator, editor):
    device = TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)
    client = Client()
    client.force_login(curator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(INDEX).status_code == 302


# Staff sessions


def set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_staff_session_ends_after_the_idle_timeout(curator_client, settings):
    assert curator_client.get(INDEX).status_code == 200
    set_session(curator_client, **{sessions.SEEN_AT: time.time() - 31 * 60})
    response = curator_client.get(INDEX)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in curator_client.session


def test_a_staff_session_ends_eight_hours_after_signing_in_however_busy(curator_client):
    now = time.time()
    set_session(
        curator_client, **{sessions.SIGNED_IN_AT: now - 8 * 3600 - 1, sessions.SEEN_AT: now}
    )
    response = curator_client.get(INDEX)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_an_active_staff_session_continues_and_its_cookie_expires_when_idle(curator_client):
    set_session(curator_client, **{sessions.SEEN_AT: time.time() - 29 * 60})
    assert curator_client.get(INDEX).status_code == 200
    assert curator_client.session.get_expiry_age() <= 30 * 60
    assert curator_client.get(INDEX).status_code == 200


def test_signing_in_starts_the_session_clock(curator_with_password):
    client = Client()
    sign_in(client, "kim")
    assert time.time() - client.session[sessions.SIGNED_IN_AT] < 60


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


def test_the_user_admin_refuses_accounts_above_a_curator_to_an_editor(editor, rf, db):
    from django.contrib import admin

    user_admin = admin.site._registry[User]
    request = rf.get("/")
    request.user = editor
    for make_account in ABOVE_CURATORS:
        assert not user_admin.has_change_permission(request, make_account(db))


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


def test_the_test_client_fixture_gives_staff_their_second_factor(curator):
    client = SecondFactorClient()
    client.force_login(curator)
    assert client.get(INDEX).status_code == 200
