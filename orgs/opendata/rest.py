"""How the JSON API behaves whatever the endpoint: a per-address rate limit shared by every
worker, pages, and errors that are always JSON (settings.REST_FRAMEWORK names these)."""

import logging
import math

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django_ratelimit.core import get_usage
from rest_framework import exceptions, status
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import exception_handler

from ..client_ip import client_key
from ..middleware import RETRY_AFTER_SECONDS, UNREACHABLE

logger = logging.getLogger(__name__)

RATE_GROUP = "opendata:api"


def _rate(group, request):
    return f"{settings.API_REQUESTS_PER_MINUTE}/m"


def _key(group, request):
    return client_key(request)


class AddressRateThrottle(BaseThrottle):
    """At most ``API_REQUESTS_PER_MINUTE`` requests a minute from one address (an IPv6 client
    by its /64), counted by django-ratelimit in the "default" cache, which every worker shares
    (Redis, or the database cache): a limit per process would multiply by the workers."""

    def allow_request(self, request, view):
        self.usage = get_usage(
            request._request, group=RATE_GROUP, key=_key, rate=_rate, increment=True
        )
        return self.usage is None or not self.usage["should_limit"]

    def wait(self):
        return max(int(self.usage["time_left"]), 1) if self.usage else None


class BadParameters(exceptions.APIException):
    """Query parameters the API cannot use, each named with why."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameters"

    def __init__(self, errors):
        super().__init__()
        self.detail = {
            "detail": "Some query parameters are not valid.",
            "errors": {name: [str(message) for message in messages] for name, messages in errors},
        }


def json_exception_handler(exc, context):
    """DRF's answers for its own exceptions (``{"detail": …}``), a JSON 503 with Retry-After
    when the database or the shared cache cannot answer, and a JSON 500 for anything else: a
    client of the API never gets an HTML page."""
    response = exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, UNREACHABLE):
        logger.error("Database or shared cache unavailable: %r", exc)
        return Response(
            {"detail": "The directory cannot reach its database or cache. Try again shortly."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    logger.exception("Server error in the API", exc_info=exc)
    return Response({"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


class PagePagination(PageNumberPagination):
    """Pages of 50 by default (``page_size`` up to 100), numbered from 1."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class HsdsPagination(BasePagination):
    """HSDS's ``Page``: total_items, total_pages, page_number, size, first_page, last_page,
    empty, and the items in ``contents``. Parameters ``page`` and ``per_page`` (at most 100)."""

    default_size = 50
    max_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            size = int(request.query_params.get("per_page", self.default_size))
        except ValueError as error:
            raise BadParameters([("per_page", ["Give a whole number."])]) from error
        if not 1 <= size <= self.max_size:
            raise BadParameters([("per_page", [f"Give a number from 1 to {self.max_size}."])])
        paginator = Paginator(queryset, size)
        try:
            self.page = paginator.page(request.query_params.get("page", 1))
        except InvalidPage as error:
            raise exceptions.NotFound("No such page.") from error
        self.size = size
        return list(self.page)

    def get_paginated_response(self, data):
        total = self.page.paginator.count
        pages = max(math.ceil(total / self.size), 1)
        return Response(
            {
                "total_items": total,
                "total_pages": pages,
                "page_number": self.page.number,
                "size": len(data),
                "first_page": self.page.number == 1,
                "last_page": self.page.number == pages,
                "empty": not data,
                "contents": data,
            }
        )

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "description": f"Items per page, 1 to {self.max_size} (default "
                f"{self.default_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_size},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": [
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
            "properties": {
                "total_items": {"type": "integer"},
                "total_pages": {"type": "integer"},
                "page_number": {"type": "integer"},
                "size": {"type": "integer"},
                "first_page": {"type": "boolean"},
                "last_page": {"type": "boolean"},
                "empty": {"type": "boolean"},
                "contents": schema,
            },
        }
