"""Public URLs. They are part of the contract: shared links must keep working."""

from django.urls import path

from . import views
from .caching import public_page

app_name = "orgs"

# Anonymous visitors of the read-only public pages get them from the shared cache while the
# directory is unchanged, with ETag/Last-Modified and Cache-Control (orgs/caching.py).
urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("organisations/", public_page(views.OrganisationListView.as_view()), name="list"),
    path(
        "organisations/<slug:slug>/",
        public_page(views.OrganisationDetailView.as_view()),
        name="detail",
    ),
    path(
        "organisations/<slug:slug>/correction/",
        views.CorrectionView.as_view(),
        name="correction",
    ),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("pillars/<slug:slug>/", public_page(views.PillarDetailView.as_view()), name="pillar"),
    path("methodology/", public_page(views.MethodologyView.as_view()), name="methodology"),
    path("countries/", public_page(views.CountryListView.as_view()), name="countries"),
    path("countries/<str:code>/", public_page(views.CountryDetailView.as_view()), name="country"),
    path("guide/", public_page(views.GuideView.as_view()), name="guide"),
    path("suggest/", views.OrganisationSuggestionView.as_view(), name="suggest"),
    path("suggest/thanks/", views.SuggestionThanksView.as_view(), name="suggestion_thanks"),
]
