"""Where the directory's organisations work: the coverage map (inline SVG, drawn on the
server from Natural Earth's outlines in orgs/data/world_map.json) and the country-by-pillar
grid that carries the same numbers as a table.

Everything a page needs comes from two queries: the pillars, and one aggregate row per country
(``OperatingCountry.objects.with_published_pillar_counts()``)."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_countries.fields import Country

from .models import OperatingCountry, Pillar

WORLD_MAP = Path(__file__).resolve().parent / "data" / "world_map.json"
# How many organisations each shade stands for: fixed, so a legend means the same on every
# page and a country's shade changes only when its own number does.
SHADES = [(1, 1, "1"), (2, 3, "2–3"), (4, 7, "4–7"), (8, None, "8 or more")]
SORTS = ["name", "total"]
MAP_TITLE_ID = "coverage-map-title"  # one map a page: its caption names it


@cache
def world_map():
    """``{"width", "height", "outlines": {iso2: svg path}}``, read once per process."""
    return json.loads(WORLD_MAP.read_text())


def shade(count):
    """0 for none, else 1-4 by SHADES."""
    for level, (low, high, _) in enumerate(SHADES, start=1):
        if count >= low and (high is None or count <= high):
            return level
    return 0


@dataclass
class CountryCoverage:
    country: Country
    total: int
    by_pillar: dict = field(default_factory=dict)  # pillar slug → organisations
    cells: list = field(default_factory=list)  # (pillar, organisations), in pillar order

    @property
    def code(self):
        return self.country.code

    @property
    def url(self):
        return reverse("orgs:country", kwargs={"code": self.code.lower()})

    def count(self, pillar=None):
        return self.by_pillar.get(pillar.slug, 0) if pillar else self.total


class Coverage:
    """Every country where published organisations work, each with its total and its count on
    each pillar; optionally seen through one pillar (``shown``)."""

    def __init__(self, pillars, rows, shown=None):
        self.pillars = list(pillars)
        self.shown = shown
        self.countries = []
        for row in rows:
            cells = [(pillar, row[f"pillar_{pillar.pk}"]) for pillar in self.pillars]
            self.countries.append(
                CountryCoverage(
                    Country(code=row["country"]),
                    row["total"],
                    {pillar.slug: count for pillar, count in cells},
                    cells,
                )
            )
        self.countries.sort(key=lambda coverage: coverage.country.name)

    @classmethod
    def of_directory(cls, shown_slug=None, pillars=None):
        """The directory's coverage; ``pillars`` when the page has read them already."""
        if pillars is None:
            pillars = Pillar.objects.order_by("position", "name")
        pillars = list(pillars)
        shown = next((pillar for pillar in pillars if pillar.slug == shown_slug), None)
        rows = OperatingCountry.objects.with_published_pillar_counts(pillars)
        return cls(pillars, rows, shown)

    def sorted_by(self, sort):
        """The countries by name, by total or by a pillar's count (most first, then by name)."""
        if sort == "name":
            return self.countries
        pillar = next((pillar for pillar in self.pillars if pillar.slug == sort), None)
        return sorted(self.countries, key=lambda coverage: -coverage.count(pillar))

    @property
    def sorts(self):
        return SORTS + [pillar.slug for pillar in self.pillars]

    def gaps(self, pillar):
        """Countries where organisations work but none on ``pillar``."""
        return [coverage for coverage in self.countries if not coverage.count(pillar)]

    @property
    def legend(self):
        return [(level, label) for level, (_, _, label) in enumerate(SHADES, start=1)]

    @property
    def not_drawn(self):
        """Countries too small for the map's scale (e.g. Hong Kong), with their number: named
        under the map instead."""
        outlines = world_map()["outlines"]
        return [(row, row.count(self.shown)) for row in self.countries if row.code not in outlines]

    @property
    def svg(self):
        """The map as inline SVG: every country's outline, shaded; those where organisations
        work are links to their pages, named with their number. Built here in one pass, as
        ``Facet.options`` is: a template loop over ~170 outlines is slow for what it does."""
        drawn = world_map()
        listed = {coverage.code: coverage for coverage in self.countries}
        links, others = [], []
        for code, outline in drawn["outlines"].items():
            coverage = listed.get(code)
            count = coverage.count(self.shown) if coverage else 0
            if coverage is None:
                others.append(f'<path d="{outline}"/>')
                continue
            name = escape(coverage.country.name)
            label = f"{name}: {count} organisation{'' if count == 1 else 's'}"
            if self.shown:
                label += f" on {escape(self.shown.name.lower())}"
            links.append(
                f'<a href="{coverage.url}" aria-label="{label}"><title>{label}</title>'
                f'<path class="s{shade(count)}" d="{outline}"/></a>'
            )
        width, height = drawn["width"], drawn["height"]
        return mark_safe(  # noqa: S308 (names are escaped; outlines and codes are ours)
            f'<svg viewBox="0 0 {width} {height}" aria-labelledby="{MAP_TITLE_ID}">'
            f'<g class="s0" aria-hidden="true">{"".join(others)}</g>{"".join(links)}</svg>'
        )
