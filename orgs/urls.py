"""Public URLs. They are part of the contract: shared links must keep working."""

from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organisations/", views.OrganisationListView.as_view(), name="list"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="detail"),
    path(
        "organisations/<slug:slug>/correction/",
        views.CorrectionView.as_view(),
        name="correction",
    ),
    path(
        "organisations/<slug:slug>/correction/thanks/",
        views.CorrectionThanksView.as_view(),
        name="correction_thanks",
    ),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("pillars/<slug:slug>/", views.PillarDetailView.as_view(), name="pillar"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    path("countries/", views.CountryListView.as_view(), name="countries"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("guide/", views.GuideView.as_view(), name="guide"),
    path("suggest/", views.OrganisationSuggestionView.as_view(), name="suggest"),
    path("suggest/thanks/", views.SuggestionThanksView.as_view(), name="suggestion_thanks"),
]
