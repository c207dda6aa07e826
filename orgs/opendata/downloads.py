"""The /data/ page and its downloads (the public CSV, the HSDS datapackage), and the API's
documentation page, rendered on the server from the OpenAPI document: no script, no
stylesheet from elsewhere, so the site's Content-Security-Policy holds on every page."""

import io
from functools import lru_cache

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.views import View
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

from .. import caching
from ..models import Criterion, LinkCheck, Organisation
from . import hsds
from .public_csv import PUBLIC_COLUMNS, write_public_csv

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def last_change():
    """When a published listing last changed (None: nothing published)."""
    return Organisation.objects.published().aggregate(last=Max("updated_at"))["last"]


def kept_while_unchanged(name, build):
    """A download built once per version of the directory and kept in the shared cache:
    building it reads every published listing (seconds at 10,000), so each request must not."""
    return caching.kept("default", caching.version(), name, build)


def download(content, content_type, filename):
    """A file to save. Its ETag (orgs/opendata/middleware.py) is the hash of its bytes; no
    Last-Modified, which could not tell that a listing was unpublished since."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OrganisationsCsvView(View):
    """Every published listing in the curators' CSV format, public columns only."""

    def get(self, request):
        content = kept_while_unchanged("open-data-csv", self.build)
        return download(content, "text/csv; charset=utf-8", "pillars-organisations.csv")

    @staticmethod
    def build():
        criteria = {
            pk: (rank, slug)
            for rank, (pk, slug) in enumerate(Criterion.objects.values_list("pk", "slug"))
        }
        stream = io.StringIO()
        # A link that failed two checks in a row is not published (orgs/links.py).
        organisations = LinkCheck.objects.withhold_from(
            Organisation.objects.published().for_export()
        )
        write_public_csv(organisations, criteria, stream)
        return stream.getvalue()


class HsdsDatapackageView(View):
    """The published directory as an HSDS 3.1 Tabular Data Package (zip)."""

    def get(self, request):
        base = request.build_absolute_uri("/").rstrip("/")
        content = kept_while_unchanged(("hsds-datapackage", base), lambda: self.build(base))
        return download(content, "application/zip", "pillars-hsds-datapackage.zip")

    @staticmethod
    def build(base):
        organisations = LinkCheck.objects.withhold_from(
            Organisation.objects.published().with_profile_relations().order_by("slug")
        )
        return hsds.datapackage_zip(
            hsds.Exporter(base),
            organisations,
            title="Pillars: anti-trafficking organisations (HSDS 3.1)",
            homepage=base + "/data/",
        )


class OpenDataView(TemplateView):
    """What can be downloaded, under which licence, and how to cite it."""

    template_name = "pages/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            licence_name=LICENCE_NAME,
            licence_url=LICENCE_URL,
            public_columns=PUBLIC_COLUMNS,
            organisation_count=Organisation.objects.published().count(),
            last_change=last_change(),
            api_requests_per_minute=settings.API_REQUESTS_PER_MINUTE,
            **kwargs,
        )


@lru_cache(maxsize=1)
def api_operations():
    """Every operation of the OpenAPI document, for the documentation page (the document
    depends only on the code, so each process builds it once)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "description": parameter.get("description", ""),
                    "type": describe(parameter.get("schema", {})),
                }
                for parameter in operation.get("parameters", [])
            ]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or ["other"])[0],
                    "parameters": parameters,
                    "responses": sorted(operation.get("responses", {})),
                    "anchor": operation.get("operationId", path),
                }
            )
    return operations


def describe(schema):
    if schema.get("type") == "array":
        return f"list of {describe(schema.get('items', {}))}"
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    return schema.get("format") or schema.get("type") or "text"


class ApiDocsView(TemplateView):
    """The JSON API's documentation: each operation, its parameters, a curl example."""

    template_name = "pages/api_docs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(operations=api_operations(), **kwargs)
