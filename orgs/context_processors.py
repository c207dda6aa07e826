"""What every page needs: its canonical address (without the query string, on the configured
SITE_URL when one is set, so the address does not depend on the Host header), and which
section of the main navigation it belongs to."""

from django.conf import settings
from django.core.exceptions import DisallowedHost


def canonical(request):
    try:
        base = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # the 400 page of a host not served: no address of ours to give
        base = ""
    return {"site_url": base, "canonical_url": base + request.path}


# The main navigation's sections, by the URL names of the pages in each: the navigation marks
# the current one (aria-current: "page" on the section's own page, "true" inside it).
SECTIONS = {
    "list": "list",
    "detail": "list",
    "correction": "list",
    "correction_thanks": "list",
    "compare": "list",
    "countries": "countries",
    "country": "countries",
    "pillar": "pillars",
    "guide": "guide",
    "methodology": "methodology",
    "suggest": "suggest",
    "suggestion_thanks": "suggest",
}


def section(request):
    match = request.resolver_match
    name = match.url_name if match and match.app_name == "orgs" else None
    return {"section": SECTIONS.get(name), "page_name": name}
