"""Open data addresses: the JSON API (/api/v1/), its HSDS part (/api/v1/hsds/), the
downloads (/data/) and the feed (/feeds/). Versioned: a change that breaks clients goes in
/api/v2/, and v1 keeps working."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import downloads, views
from .feeds import UpdatesFeed

app_name = "opendata"

api = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs/", downloads.ApiDocsView.as_view(), name="api-docs"),
    path("organisations/", views.OrganisationListView.as_view(), name="api-organisations"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="api-organisation",
    ),
    path("pillars/", views.PillarListView.as_view(), name="api-pillars"),
    path("countries/", views.CountryListView.as_view(), name="api-countries"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="api-country"),
    path("vocabularies/", views.VocabulariesView.as_view(), name="api-vocabularies"),
    path("hsds/", views.HsdsRootView.as_view(), name="hsds-root"),
    path(
        "hsds/organizations/", views.HsdsOrganizationListView.as_view(), name="hsds-organizations"
    ),
    path(
        "hsds/organizations/<uuid:id>/",
        views.HsdsOrganizationView.as_view(),
        name="hsds-organization",
    ),
    path("hsds/services/", views.HsdsServiceListView.as_view(), name="hsds-services"),
    path("hsds/services/<uuid:id>/", views.HsdsServiceView.as_view(), name="hsds-service"),
    path("hsds/taxonomies/", views.HsdsTaxonomyListView.as_view(), name="hsds-taxonomies"),
    path("hsds/taxonomies/<uuid:id>/", views.HsdsTaxonomyView.as_view(), name="hsds-taxonomy"),
    path(
        "hsds/taxonomy_terms/",
        views.HsdsTaxonomyTermListView.as_view(),
        name="hsds-taxonomy-terms",
    ),
    path(
        "hsds/taxonomy_terms/<uuid:id>/",
        views.HsdsTaxonomyTermView.as_view(),
        name="hsds-taxonomy-term",
    ),
]

urlpatterns = [
    path("api/v1/", include(api)),
    # Any other address under /api/ that ends in a slash (and, through APPEND_SLASH's
    # redirect, any that does not): a JSON 404.
    re_path(r"^api/(?:.*/)?$", views.NotFoundView.as_view()),
    path("data/", downloads.OpenDataView.as_view(), name="data"),
    path("data/organisations.csv", downloads.OrganisationsCsvView.as_view(), name="csv"),
    path(
        "data/hsds-datapackage.zip",
        downloads.HsdsDatapackageView.as_view(),
        name="hsds-datapackage",
    ),
    path("feeds/updates/", UpdatesFeed(), name="feed"),
]
