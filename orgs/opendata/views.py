"""The read-only JSON API, /api/v1/: thin views over ``Organisation.objects.published()``,
so that a draft, a listing in review or an archived one can never be served.

The organisation list takes the same parameters as /organisations/ and reads them with the
same ``OrganisationFilter``; where the page ignores a bad value and says so, the API answers
400 with every bad parameter named."""

from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django_countries.fields import Country
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filters import MAX_CHOICES, MAX_QUERY_LENGTH, SORT_CHOICES, OrganisationFilter
from ..models import (
    Criterion,
    ExploitationForm,
    Language,
    LinkCheck,
    OperatingCountry,
    Organisation,
    OrganisationType,
    Pillar,
    Population,
)
from ..views import SearchResults
from . import hsds
from .rest import BadParameters, HsdsPagination, PagePagination
from .serializers import (
    CountrySerializer,
    ErrorSerializer,
    OrganisationSerializer,
    OrganisationSummarySerializer,
    PillarSerializer,
    VocabulariesSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Query parameters that cannot be used."),
    404: OpenApiResponse(ErrorSerializer, description="No such thing, or not published."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests from this address."),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


def site_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def list_parameter(name, description, enum=None):
    items = {"type": "string", **({"enum": enum} if enum else {})}
    return OpenApiParameter(
        name,
        {"type": "array", "items": items, "maxItems": MAX_CHOICES},
        description=description + " Repeat the parameter for several; any one matches.",
        explode=True,
    )


ORGANISATION_FILTERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        description='Search text, as on /organisations/: every word must match; "exact '
        'phrase", a or b, -word.',
    ),
    list_parameter("pillar", "Pillar slug (see /api/v1/pillars/)."),
    list_parameter("country", "ISO 3166-1 alpha-2 code of a country of operation."),
    list_parameter("hq", "ISO 3166-1 alpha-2 code of the headquarters."),
    list_parameter("exploitation", "Form of exploitation slug (see /api/v1/vocabularies/)."),
    list_parameter("population", "Population slug (see /api/v1/vocabularies/)."),
    list_parameter("type", "Type of organisation.", enum=OrganisationType.values),
    OpenApiParameter(
        "min_years",
        {"type": "integer", "minimum": 0, "maximum": 300},
        description="Active for at least this many years.",
    ),
    OpenApiParameter(
        "sort",
        str,
        enum=[value for value, _ in SORT_CHOICES],
        description="Order: relevance (the default with q), name (the default without), "
        "founded (longest-standing first), reviewed (most recently reviewed first).",
    ),
]


@extend_schema(tags=["organisations"])
class OrganisationListView(generics.ListAPIView):
    """Published organisations, filtered, searched and sorted as on /organisations/."""

    serializer_class = OrganisationSummarySerializer
    pagination_class = PagePagination

    @extend_schema(
        summary="Search and filter published organisations",
        parameters=ORGANISATION_FILTERS,
        responses={200: OrganisationSummarySerializer(many=True), **errors(400, 404, 429)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = OrganisationFilter(
            self.request.query_params, queryset=Organisation.objects.published()
        )
        if not self.filterset.is_valid():
            raise BadParameters(self.filterset.errors.items())
        organisations = self.filterset.qs
        # The filter's own order, then the primary key: listings that tie (the same name,
        # the same rank) keep their places from one page to the next.
        return organisations.order_by(*organisations.query.order_by, "pk")

    def paginate_queryset(self, queryset):
        """Pages read as the search page reads them: the ids of a page, matched, ranked and
        sorted on narrow rows, then those listings by id; the ids and the count are kept
        until the directory changes (orgs/search/cache.py)."""
        results = self.filterset.results
        return super().paginate_queryset(
            SearchResults(
                queryset,
                count=results.count(queryset),
                shown=Organisation.objects.published()
                .prefetch_related("pillars", "operating_countries")
                .with_dead_links("website"),
                results=results,
            )
        )


@extend_schema(
    tags=["organisations"],
    summary="One published organisation",
    responses={200: OrganisationSerializer, **errors(404, 429)},
)
class OrganisationDetailView(generics.RetrieveAPIView):
    """Every public fact of one published listing: its sources, its vetting with the public
    notes, its countries and terms."""

    serializer_class = OrganisationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Organisation.objects.published().with_profile_relations()

    def get_object(self):
        organisation = super().get_object()
        # A link that failed two checks in a row is not shown (orgs/links.py), as on profiles.
        LinkCheck.objects.withhold_from([organisation])
        return organisation

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "criteria": list(Criterion.objects.all())}


@extend_schema(
    tags=["directory"],
    summary="The four pillars, with how many published organisations work on each",
    responses={200: PillarSerializer(many=True), **errors(429)},
)
class PillarListView(APIView):
    def get(self, request):
        pillars = Pillar.objects.with_organisation_counts()
        return Response(PillarSerializer(pillars, many=True, context={"request": request}).data)


def country_row(request, country, count, coverage):
    code = country.code.lower()
    return {
        "code": country.code,
        "name": country.name,
        "organisation_count": count,
        "pillars": coverage,
        "page_url": request.build_absolute_uri(reverse("orgs:country", kwargs={"code": code})),
        "api_url": request.build_absolute_uri(
            reverse("opendata:api-country", kwargs={"code": code})
        ),
    }


@extend_schema(
    tags=["directory"],
    summary="Every country where published organisations work, with their pillar coverage",
    responses={200: CountrySerializer(many=True), **errors(429)},
)
class CountryListView(APIView):
    """Each country with how many published organisations work there, and how many on each
    pillar (0: nobody listed works on it there)."""

    def get(self, request):
        pillars = list(Pillar.objects.order_by("position", "name"))
        per_pillar = {}
        rows = (
            OperatingCountry.objects.filter(organisation__status=Organisation.Status.PUBLISHED)
            .values("country", "organisation__pillars")
            .annotate(count=Count("organisation", distinct=True))
            .order_by()
        )
        for row in rows:
            per_pillar[(row["country"], row["organisation__pillars"])] = row["count"]
        data = [
            country_row(
                request,
                country,
                count,
                [
                    {
                        "slug": pillar.slug,
                        "name": pillar.name,
                        "organisation_count": per_pillar.get((country.code, pillar.pk), 0),
                    }
                    for pillar in pillars
                ],
            )
            for country, count in OperatingCountry.objects.with_published_counts()
        ]
        return Response(CountrySerializer(data, many=True).data)


@extend_schema(
    tags=["directory"],
    summary="One country: how many published organisations work there, on each pillar",
    parameters=[
        OpenApiParameter(
            "code", str, OpenApiParameter.PATH, description="ISO 3166-1 alpha-2, any case."
        )
    ],
    responses={200: CountrySerializer, **errors(404, 429)},
)
class CountryDetailView(APIView):
    def get(self, request, code):
        # Two ASCII letters only, as the country page: no second address by numeric code.
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise Http404("No such country code.")
        country = Country(code=code.upper())
        if not country.name:
            raise Http404("No such country code.")
        count = Organisation.objects.published().operating_in([country.code]).count()
        coverage = [
            {"slug": p.slug, "name": p.name, "organisation_count": p.organisation_count}
            for p in Pillar.objects.with_organisation_counts(country=country.code)
        ]
        return Response(CountrySerializer(country_row(request, country, count, coverage)).data)


@extend_schema(
    tags=["directory"],
    summary="The vocabularies: pillars, forms of exploitation, populations, languages, "
    "types, vetting criteria and sort orders",
    responses={200: VocabulariesSerializer, **errors(429)},
)
class VocabulariesView(APIView):
    def get(self, request):
        data = {
            "pillars": Pillar.objects.all(),
            "exploitation_forms": ExploitationForm.objects.all(),
            "populations": Population.objects.all(),
            "languages": Language.objects.all(),
            "organisation_types": [
                {"code": code, "label": label} for code, label in OrganisationType.choices
            ],
            "criteria": Criterion.objects.all(),
            "sort": [{"code": code, "label": label} for code, label in SORT_CHOICES],
        }
        return Response(VocabulariesSerializer(data).data)


@extend_schema(
    tags=["directory"],
    summary="Where everything is",
    responses={200: OpenApiTypes.OBJECT, **errors(429)},
)
class ApiRootView(APIView):
    def get(self, request):
        names = {
            "organisations": "opendata:api-organisations",
            "pillars": "opendata:api-pillars",
            "countries": "opendata:api-countries",
            "vocabularies": "opendata:api-vocabularies",
            "hsds": "opendata:hsds-root",
            "openapi": "opendata:openapi",
            "documentation": "opendata:api-docs",
        }
        return Response(
            {key: request.build_absolute_uri(reverse(name)) for key, name in names.items()}
        )


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under /api/: a JSON 404, never the site's HTML page."""

    def get(self, request, *args, **kwargs):
        raise Http404("No such address in the API. See /api/v1/.")

    post = put = patch = delete = get


# HSDS 3.1 (orgs/opendata/hsds.py).

HSDS_OBJECT = {"type": "object", "additionalProperties": True, "required": ["id"]}
HSDS_PAGE = HsdsPagination().get_paginated_response_schema({"type": "array", "items": HSDS_OBJECT})
HSDS_PAGE_PARAMETERS = [
    OpenApiParameter(
        parameter["name"],
        parameter["schema"],
        description=parameter["description"],
    )
    for parameter in HsdsPagination().get_schema_operation_parameters(None)
]


class HsdsMixin:
    pagination_class = HsdsPagination

    def exporter(self):
        return hsds.Exporter(site_url(self.request))

    def published(self):
        return Organisation.objects.published().with_profile_relations().order_by("slug")

    def published_by_id(self, field, wanted):
        """The published listing whose HSDS id kept in ``field`` is ``wanted`` (one indexed
        query, and its relations)."""
        try:
            organisation = self.published().get(**{field: wanted})
        except Organisation.DoesNotExist as error:
            raise Http404("No published organisation has this id.") from error
        return LinkCheck.objects.withhold_from([organisation])[0]

    def paginated(self, items, build):
        page = self.paginate_queryset(items)
        return self.get_paginated_response([build(item) for item in page])

    def paginated_listings(self, build):
        """A page of published listings, their dead links left out (one query a page)."""
        page = LinkCheck.objects.withhold_from(self.paginate_queryset(self.published()))
        return self.get_paginated_response([build(organisation) for organisation in page])


def hsds_list(operation_id, summary):
    return extend_schema(
        operation_id=operation_id,
        tags=["hsds"],
        summary=summary,
        parameters=HSDS_PAGE_PARAMETERS,
        responses={200: HSDS_PAGE, **errors(400, 404, 429)},
    )


def hsds_one(operation_id, summary):
    return extend_schema(
        operation_id=operation_id,
        tags=["hsds"],
        summary=summary,
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: HSDS_OBJECT, **errors(404, 429)},
    )


@extend_schema(
    tags=["hsds"],
    summary="HSDS: which version and profile this API follows",
    responses={200: OpenApiTypes.OBJECT, **errors(429)},
)
class HsdsRootView(APIView):
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": "https://docs.openreferral.org/en/latest/hsds/",
                "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
                "description": "Pillars' published listings as Open Referral HSDS 3.1: each "
                "organisation with one service, its anti-trafficking work. Data: CC BY 4.0.",
                "publisher": {"name": "Pillars", "url": site_url(request) + "/"},
            }
        )


class HsdsOrganizationListView(HsdsMixin, generics.GenericAPIView):
    @hsds_list("hsds_organizations_list", "HSDS organizations (every published listing)")
    def get(self, request):
        return self.paginated_listings(self.exporter().organization)


class HsdsOrganizationView(HsdsMixin, APIView):
    @hsds_one("hsds_organization_retrieve", "One HSDS organization")
    def get(self, request, id):
        organisation = self.published_by_id("hsds_organization_uuid", id)
        return Response(self.exporter().organization(organisation))


class HsdsServiceListView(HsdsMixin, generics.GenericAPIView):
    @hsds_list("hsds_services_list", "HSDS services (each listing's anti-trafficking work)")
    def get(self, request):
        return self.paginated_listings(self.exporter().service)


class HsdsServiceView(HsdsMixin, APIView):
    @hsds_one("hsds_service_retrieve", "One HSDS service, with its organization")
    def get(self, request, id):
        organisation = self.published_by_id("hsds_service_uuid", id)
        return Response(self.exporter().service(organisation, with_organization=True))


class HsdsTaxonomyListView(HsdsMixin, generics.GenericAPIView):
    @hsds_list(
        "hsds_taxonomies_list",
        "HSDS taxonomies: pillars, forms of exploitation, populations, criteria",
    )
    def get(self, request):
        return self.paginated(self.exporter().taxonomy_list(), lambda taxonomy: taxonomy)


class HsdsTaxonomyView(HsdsMixin, APIView):
    @hsds_one("hsds_taxonomy_retrieve", "One HSDS taxonomy")
    def get(self, request, id):
        for taxonomy in self.exporter().taxonomy_list():
            if taxonomy["id"] == str(id):
                return Response(taxonomy)
        raise Http404("No such taxonomy.")


class HsdsTaxonomyTermListView(HsdsMixin, generics.GenericAPIView):
    @hsds_list("hsds_taxonomy_terms_list", "HSDS taxonomy terms of every taxonomy")
    def get(self, request):
        return self.paginated(self.exporter().taxonomy_terms(), lambda term: term)


class HsdsTaxonomyTermView(HsdsMixin, APIView):
    @hsds_one("hsds_taxonomy_term_retrieve", "One HSDS taxonomy term")
    def get(self, request, id):
        for term in self.exporter().taxonomy_terms():
            if term["id"] == str(id):
                return Response(term)
        raise Http404("No such taxonomy term.")
