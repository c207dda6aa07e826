"""Who is asking: the client's address, read the same way by every part of the site that counts
by address (staff sign-in lockouts, rate limits).

``X-Forwarded-For`` is a list each proxy appends to, so only its right-most entries were written
by proxies we run; everything to their left was written by the client and can say anything. With
``TRUSTED_PROXY_COUNT`` proxies in front of the site, the outermost one appended the address it
saw as the client's, the entry ``TRUSTED_PROXY_COUNT`` places from the right. Without trusted
proxies (the default) the header is the client's own text and is ignored.

IPv6 hands one subscriber a /64 (2^64 addresses), so anything that counts by address counts an
IPv6 client by its /64 network."""

import ipaddress

from django.conf import settings

IPV6_NETWORK_PREFIX = 64


def parse_address(text):
    """The address in ``text``, or None. An IPv6 zone ("fe80::1%eth0") names no other sender:
    it is dropped, so a made-up zone cannot make a new address."""
    try:
        return ipaddress.ip_address(text.strip().partition("%")[0])
    except ValueError:
        return None


def _address(request):
    remote = parse_address(request.META.get("REMOTE_ADDR") or "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        # Fewer entries than proxies: the request did not come through all of them.
        if len(entries) >= trusted:
            forwarded = parse_address(entries[-trusted])
            if forwarded is not None:
                return forwarded
    return remote


def client_ip(request):
    """The client's IP address as text (IPv6 in its short form), or None when there is none
    (a request made in code, a Unix socket)."""
    address = _address(request)
    return None if address is None else str(address)


def client_network(address):
    """An IPv4 address itself; an IPv6 address's /64 network (IPv4-mapped IPv6 addresses count
    as the IPv4 address they carry)."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return ipaddress.ip_network(address.ipv4_mapped)
        return ipaddress.ip_network(f"{address}/{IPV6_NETWORK_PREFIX}", strict=False)
    return ipaddress.ip_network(address)


def client_key(request):
    """What to count a client's requests by: its IPv4 address, or its IPv6 /64 network
    ("2001:db8:1:2::/64"); "" when there is no address."""
    address = _address(request)
    if address is None:
        return ""
    network = client_network(address)
    return str(network.network_address) if network.num_addresses == 1 else str(network)


def lockout_address(request):
    """The address staff sign-in failures are counted by (``AXES_CLIENT_IP_CALLABLE``): the
    client's address, or for IPv6 the first address of its /64, because django-axes keeps an IP
    address, not a network, and a /64 would otherwise give a guesser 2^64 fresh allowances."""
    address = _address(request)
    if address is None:
        return None
    return str(client_network(address).network_address)
