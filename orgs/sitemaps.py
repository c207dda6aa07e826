"""/sitemap.xml: every public page a search engine should know about."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import OperatingCountry, Organisation, Pillar


class PageSitemap(Sitemap):
    def items(self):
        return [
            "orgs:home",
            "orgs:list",
            "orgs:countries",
            "orgs:guide",
            "orgs:methodology",
            "orgs:suggest",
        ]

    def location(self, name):
        return reverse(name)


class OrganisationSitemap(Sitemap):
    def items(self):
        return Organisation.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, organisation):
        return organisation.updated_at


class PillarSitemap(Sitemap):
    def items(self):
        return Pillar.objects.all()


class CountrySitemap(Sitemap):
    def items(self):
        return [country.code for country, _ in OperatingCountry.objects.with_published_counts()]

    def location(self, code):
        return reverse("orgs:country", kwargs={"code": code.lower()})


SITEMAPS = {
    "pages": PageSitemap,
    "organisations": OrganisationSitemap,
    "pillars": PillarSitemap,
    "countries": CountrySitemap,
}
