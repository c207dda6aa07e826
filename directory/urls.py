"""Top-level URLs: the admin and the public directory."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Pillars curation"
admin.site.site_title = "Pillars curation"
admin.site.index_title = "Directory"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("orgs.urls")),
]
