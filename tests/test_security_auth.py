"""Staff accounts are hard to take over: the client's address is read from the trusted proxies
only; failed sign-ins lock out (per account and address, and per address) with a page saying
when to try again, and editors unlock curators; every staff account gives a TOTP code (or a
recovery code) before any admin page; staff sessions end; and an editor manages curators'
accounts only, by every path."""

import pytest
from django.test import RequestFactory

from orgs.client_ip import client_ip, client_key, lockout_address

pytestmark = pytest.mark.django_db


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
