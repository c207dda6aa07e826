"""What every page's head needs: its canonical address (without the query string, on the
configured SITE_URL when one is set, so the address does not depend on the Host header)."""

from django.conf import settings


def canonical(request):
    base = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    return {"site_url": base, "canonical_url": base + request.path}
