"""Public pages of the directory. Every queryset starts from ``published()`` so that a draft
or archived listing can never be shown."""

from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.views.generic import CreateView, DetailView, ListView, TemplateView
from django_countries.fields import Country
from django_filters.views import FilterView

from . import ratelimit
from .compare import MAX_COMPARED, Comparison, chosen_slugs
from .coverage import Coverage
from .filters import SORT_CHOICES, OrganisationFilter
from .forms import CorrectionForm, OrganisationSuggestionForm
from .models import Criterion, LinkCheck, Organisation, Pillar
from .querysets import LONG_STANDING_YEARS

# What the results page says of its order: with no search it is by name, whatever the case of
# the first letter, and the page says so.
SORTED_BY = {
    "name": "In order of name, A to Z (capitals and small letters alike).",
    **{value: f"Sorted by: {label.lower()}." for value, label in SORT_CHOICES if value != "name"},
}


class ComparableMixin:
    """Pages whose cards can be ticked for a comparison (templates/includes/compare_bar.html).
    The choice so far travels in the address (``o``), so it is kept from page to page without
    JavaScript: ticked on this page's cards, hidden fields for those ticked elsewhere."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(max_compared=MAX_COMPARED, **kwargs)
        chosen = chosen_slugs(self.request.GET)
        shown = {organisation.slug for organisation in context.get("object_list") or []}
        context["chosen"] = chosen
        context["chosen_elsewhere"] = [slug for slug in chosen if slug not in shown]
        # What the results page asked for besides the choice, for "keep ticked, next page".
        context["query_without_choice"] = [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in ("o", "page")
            for value in values
        ]
        return context


class ForgivingPaginationMixin:
    """Pages of ``ORGS_PAGE_SIZE`` listings, where a missing, malformed or out-of-range page
    number shows the nearest real page instead of an error."""

    def get_paginate_by(self, queryset):
        return settings.ORGS_PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        pillars = list(Pillar.objects.with_organisation_counts())
        return super().get_context_data(
            pillars=pillars,
            organisation_count=Organisation.objects.published().count(),
            coverage=Coverage.of_directory(pillars=pillars),
            **kwargs,
        )


class SearchResults(Sequence):
    """The listing's results as its paginator sees them: their number is known (the facet
    statement counts them, so there is no count query), and a page is read in two steps: the
    ids of its listings in order, so that ranking and sorting handle narrow rows (kept until
    the directory changes, orgs/search/cache.py); then those listings by id, from ``shown``
    (with what their cards show)."""

    def __init__(self, queryset, *, count, shown, results):
        self.queryset, self.count_, self.shown, self.results = queryset, count, shown, results

    def __len__(self):
        return self.count_

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.results.ids(self.queryset.prefetch_related(None)[index])
        found = self.shown.in_bulk(ids)
        # A listing unpublished between the two queries is left out, not an error.
        return [found[pk] for pk in ids if pk in found]


class OrganisationListView(ComparableMixin, ForgivingPaginationMixin, FilterView):
    model = Organisation
    filterset_class = OrganisationFilter
    template_name = "orgs/organisation_list.html"

    def get_queryset(self):
        return Organisation.objects.published().with_card_relations()

    def get_paginator(self, queryset, per_page, **kwargs):
        results = SearchResults(
            queryset,
            count=self.filterset.result_count,
            shown=self.get_queryset(),
            results=self.filterset.results,
        )
        return Paginator(results, per_page, **kwargs)

    def get_strict(self):
        # Invalid parameters are reported and ignored, never turned into an empty page.
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        context["facets"] = filterset.facets()
        context["sorted_by"] = SORTED_BY[filterset.chosen_sort]
        context["long_standing_years"] = LONG_STANDING_YEARS
        # Cards say first that a listing works in the countries filtered by.
        context["working_in"] = filterset.cleaned_data.get("country") or []
        if filterset.search_text and not filterset.every_word_count:
            context["did_you_mean"] = filterset.did_you_mean()
        return context


class OrganisationDetailView(DetailView):
    template_name = "orgs/organisation_detail.html"

    def get_queryset(self):
        return Organisation.objects.published().with_profile_relations()

    def get_object(self, queryset=None):
        organisation = super().get_object(queryset)
        # A link that failed two checks in a row is not shown (orgs/links.py).
        LinkCheck.objects.withhold_from([organisation])
        return organisation

    def get_context_data(self, **kwargs):
        related = list(self.object.related())
        # This listing and the first related ones, side by side (CompareView).
        chosen = [self.object, *related][:MAX_COMPARED]
        return super().get_context_data(
            related=related,
            compare_query=urlencode([("o", organisation.slug) for organisation in chosen]),
            **kwargs,
        )


class CompareView(ComparableMixin, TemplateView):
    """Two to four listings side by side (orgs/compare.py)."""

    template_name = "orgs/compare.html"

    def get(self, request, *args, **kwargs):
        # A results page's compare form also carries its own search (for "next page"): the
        # comparison's address is its choice alone, so that it can be shared as it is.
        if request.GET.keys() - {"o"}:
            choice = urlencode([("o", slug) for slug in request.GET.getlist("o")])
            return HttpResponseRedirect(f"{request.path}?{choice}" if choice else request.path)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        comparison = Comparison(
            self.request.GET.getlist("o"),
            Organisation.objects.published().with_profile_relations(),
        )
        return super().get_context_data(comparison=comparison, **kwargs)


class PillarDetailView(OrganisationListView):
    """One pillar: what it means, and the organisations working on it, in pages, with the
    search page's filters (OrganisationFilter) within the pillar."""

    template_name = "orgs/pillar_detail.html"

    def get(self, request, *args, **kwargs):
        self.pillar = get_object_or_404(Pillar, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().in_pillars([self.pillar.slug])

    def get_context_data(self, **kwargs):
        return super().get_context_data(pillar=self.pillar, **kwargs)


class CountryListView(TemplateView):
    """Every country where listed organisations work, with how many: a map shaded by the
    number (or by the number on one pillar, ``?pillar=``) and the country-by-pillar grid with
    the same numbers, sortable (``?sort=``)."""

    template_name = "orgs/country_list.html"

    def get_context_data(self, **kwargs):
        coverage = Coverage.of_directory(shown_slug=self.request.GET.get("pillar"))
        sort = self.request.GET.get("sort")
        sort = sort if sort in coverage.sorts else "name"
        return super().get_context_data(
            coverage=coverage,
            countries=coverage.sorted_by(sort),
            sort=sort,
            **kwargs,
        )


class CountryDetailView(ComparableMixin, ForgivingPaginationMixin, ListView):
    """The organisations working in one country, and which pillars they cover there: the
    gaps are as telling as the counts."""

    template_name = "orgs/country_detail.html"
    context_object_name = "organisations"

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        # Only two ASCII letters name a country: django-countries would also take a numeric
        # code ("12" is Algeria), giving a page a second address, and str.isdigit() lets
        # "①" through to int().
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise Http404("No such country code.")
        self.country = Country(code=code.upper())
        if not self.country.name:
            raise Http404("No such country code.")
        if code != code.lower():
            # One address per country page: /countries/gb/.
            return HttpResponsePermanentRedirect(self.country_url(code.lower()))
        return super().get(request, *args, **kwargs)

    def country_url(self, code):
        return reverse("orgs:country", kwargs={"code": code})

    def get_queryset(self):
        return (
            Organisation.objects.published()
            .operating_in([self.country.code])
            .with_card_relations()
            .alphabetical()
        )

    def get_context_data(self, **kwargs):
        coverage = list(Pillar.objects.with_organisation_counts(country=self.country.code))
        return super().get_context_data(
            country=self.country,
            working_in=[self.country.code],
            coverage=coverage,
            gaps=[pillar for pillar in coverage if not pillar.organisation_count],
            **kwargs,
        )


class GuideView(TemplateView):
    """How to choose an organisation to support, in our own words."""

    template_name = "pages/guide.html"


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


class MethodologyView(TemplateView):
    """How listings are vetted and kept current, in plain words."""

    template_name = "pages/methodology.html"

    def get_context_data(self, **kwargs):
        criteria = list(Criterion.objects.all())
        return super().get_context_data(
            criteria=criteria,
            totals=Organisation.objects.published().vetting_totals(len(criteria)),
            review_interval_months=round(settings.REVIEW_INTERVAL_DAYS / 30.4),
            **kwargs,
        )


class PublicSubmissionMixin:
    """Sending something to the curators: limited per address, and a robot that fills in the
    honeypot is thanked like anyone else while nothing is stored."""

    success_url = reverse_lazy("orgs:suggestion_thanks")

    def post(self, request, *args, **kwargs):
        wait = ratelimit.seconds_until_allowed(request)
        if wait is not None:
            response = TemplateResponse(
                request,
                "orgs/suggestion_limited.html",
                {"per_hour": settings.ORGS_SUBMISSIONS_PER_HOUR},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        ratelimit.count_submission(self.request)
        if not form.caught_in_honeypot:
            form.save()
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return str(self.success_url)

    def form_invalid(self, form):
        if form.caught_in_honeypot:
            ratelimit.count_submission(self.request)
            return HttpResponseRedirect(self.get_success_url())
        return super().form_invalid(form)


class OrganisationSuggestionView(PublicSubmissionMixin, CreateView):
    form_class = OrganisationSuggestionForm
    template_name = "orgs/suggestion_form.html"


class CorrectionView(PublicSubmissionMixin, CreateView):
    form_class = CorrectionForm
    template_name = "orgs/correction_form.html"

    def dispatch(self, request, *args, **kwargs):
        # Only a published listing can be corrected; a draft's address must stay a 404.
        self.organisation = get_object_or_404(Organisation.objects.published(), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)

    def get_success_url(self):
        return reverse("orgs:correction_thanks", kwargs={"slug": self.organisation.slug})


class SuggestionThanksView(TemplateView):
    template_name = "orgs/suggestion_thanks.html"


class CorrectionThanksView(DetailView):
    """Thanks for a correction, with the way back to the listing it was about."""

    template_name = "orgs/suggestion_thanks.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.published()


def bench_bare(request):
    """The ceiling `make load` measures the real pages against: every middleware, no database,
    no template. Not found unless BENCH_BARE_VIEW is set (never in production)."""
    if not settings.BENCH_BARE_VIEW:
        raise Http404
    return HttpResponse("bare", content_type="text/plain")
