"""Every page type of the public site, in one list, for the checks that must cover them all:
axe-core in Chromium, screenshots, the Nu HTML validator, page weight, third-party requests.

Add a new page type here and every check picks it up. A path starting with ``POST `` is the
form at that path sent empty, so that it comes back with its errors.
"""

# Seeded listings and pillars (orgs/data/directory.json) the paths below rely on.
PROFILE = "helen-bamber-foundation"
PILLAR = "recovery"
COMPARED = ["stop-the-traffik", "la-strada-international", "the-freedom-fund"]

PAGES = [
    ("home", "/"),
    ("organisations", "/organisations/"),
    ("search", "/organisations/?q=survivors&pillar=recovery&country=GB&sort=name"),
    ("search-empty", "/organisations/?q=zzzxqj+qwxzzv"),
    ("profile", f"/organisations/{PROFILE}/"),
    ("compare", f"/compare/?o={PROFILE}&o={COMPARED[0]}&o={COMPARED[1]}&o={COMPARED[2]}"),
    ("pillar", f"/pillars/{PILLAR}/"),
    ("pillar-filtered", f"/pillars/{PILLAR}/?country=GB&sort=founded"),
    ("countries", "/countries/"),
    ("countries-by-pillar", "/countries/?pillar=recovery&sort=recovery"),
    ("country", "/countries/np/"),
    ("country-with-gaps", "/countries/al/"),
    ("guide", "/guide/"),
    ("methodology", "/methodology/"),
    ("suggest", "/suggest/"),
    ("correction", f"/organisations/{PROFILE}/correction/"),
    ("correction-thanks", f"/organisations/{PROFILE}/correction/thanks/"),
    ("suggest-errors", "POST /suggest/"),
    ("not-found", "/organisations/no-such-organisation/"),
    ("open-data", "/data/"),
    ("api-docs", "/api/v1/docs/"),
]


def split(path):
    """``"POST /suggest/"`` → ``("POST", "/suggest/")``; any other path is a GET."""
    method, _, rest = path.partition(" ")
    return (method, rest) if rest else ("GET", path)
