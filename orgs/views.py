"""Public pages of the directory. Every queryset starts from ``published()`` so that a draft
or archived listing can never be shown."""

from django.conf import settings
from django.db.models import Count, Q
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .filters import OrganisationFilter
from .models import Criterion, Organisation, Pillar


def pillars_with_counts():
    published = Q(organisations__status=Organisation.Status.PUBLISHED)
    # Aggregating queries ignore Meta.ordering, so the order is spelt out.
    return Pillar.objects.annotate(
        organisation_count=Count("organisations", filter=published)
    ).order_by("position", "name")


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pillars=pillars_with_counts(),
            organisation_count=Organisation.objects.published().count(),
            **kwargs,
        )


class OrganisationListView(FilterView):
    model = Organisation
    filterset_class = OrganisationFilter
    template_name = "orgs/organisation_list.html"

    def get_queryset(self):
        return Organisation.objects.published().with_card_relations()

    def get_paginate_by(self, queryset):
        return settings.ORGS_PAGE_SIZE

    def get_strict(self):
        # Invalid parameters are reported and ignored, never turned into an empty page.
        return False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        context["facets"] = filterset.facets()
        if not context["paginator"].count and filterset.search_text:
            context["did_you_mean"] = filterset.did_you_mean()
        return context

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        # get_page() turns a missing, malformed or out-of-range page into the nearest real one.
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class OrganisationDetailView(DetailView):
    template_name = "orgs/organisation_detail.html"

    def get_queryset(self):
        return Organisation.objects.published().with_profile_relations()

    def get_context_data(self, **kwargs):
        return super().get_context_data(related=self.object.related(), **kwargs)


class PillarDetailView(DetailView):
    model = Pillar
    template_name = "orgs/pillar_detail.html"

    def get_context_data(self, **kwargs):
        organisations = (
            Organisation.objects.published()
            .in_pillars([self.object.slug])
            .with_card_relations()
            .order_by("name")
        )
        return super().get_context_data(organisations=organisations, **kwargs)


class MethodologyView(TemplateView):
    """How listings are vetted and kept current, in plain words."""

    template_name = "pages/methodology.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            criteria=Criterion.objects.all(),
            review_interval_months=round(settings.REVIEW_INTERVAL_DAYS / 30.4),
            **kwargs,
        )
