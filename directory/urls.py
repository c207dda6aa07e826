"""Top-level URLs: the admin, the public directory and its open data."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from orgs import health
from orgs.sitemaps import SITEMAPS
from orgs.views import RobotsView, bench_bare

admin.site.site_header = "Pillars curation"
admin.site.site_title = "Pillars curation"
admin.site.index_title = "Directory"
# Without the sidebar of every model, a list of listings and a listing's form fit 1,280 px
# (tests/browser/test_admin.py); the breadcrumbs and the index lead everywhere it did.
admin.site.enable_nav_sidebar = False

# The database or the shared cache unreachable outside a view is a 503, not a 500.
handler500 = "orgs.middleware.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("bench/bare", bench_bare, name="bench_bare"),
    path("", include("orgs.opendata.urls")),
    path("", include("orgs.urls")),
]
