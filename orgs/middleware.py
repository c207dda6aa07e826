"""Site-wide guards: headers on every response, request bodies bounded before anything reads
them, and a friendly 503 when the database cannot answer."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def plain_page(status, title, message, **headers):
    """A small page that needs no database (this may be why we are here)."""
    html = loader.render_to_string("error.html", {"title": title, "message": message})
    response = HttpResponse(html, status=status)
    for name, value in headers.items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


class RequestLimitsMiddleware:
    """Refuse an oversized body from its Content-Length before CSRF or a form reads it, and
    a file wherever no public form takes one: a 200 MB post otherwise held a worker while Django
    spooled it to disk, only to answer 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS:
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request):
        in_admin = request.path.startswith("/admin/")
        limit = (
            settings.ORGS_CSV_MAX_UPLOAD_BYTES + 1024 * 1024
            if in_admin
            else settings.PUBLIC_MAX_BODY_BYTES
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return plain_page(
                413,
                "Too much to send",
                f"This page accepts at most {limit // 1024} kB. Please shorten what you "
                "wrote and send it again.",
            )
        if not in_admin:
            request.upload_handlers = [RefuseFilesUploadHandler(request)]
        return None


class FilesNotAccepted(SuspiciousOperation):
    """A file sent to a public form (answered 400, templates/400.html)."""


class RefuseFilesUploadHandler(FileUploadHandler):
    """No public form takes a file: the first file part of a post ends its reading."""

    def new_file(self, *args, **kwargs):
        raise FilesNotAccepted("A file was sent to a form that takes text only.")

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover (new_file raised)
        return None

    def file_complete(self, file_size):  # pragma: no cover
        return None


# What a view meets when the database or the shared cache (Redis) cannot be reached.
UNREACHABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


class DatabaseUnavailableMiddleware:
    """A database or shared cache that is down, frozen past its timeouts or refusing
    connections gives visitors a 503 with Retry-After (the page comes back by itself once it
    does: Django opens a new database connection on the next request, and the Redis client
    reconnects on its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNREACHABLE):
            return None
        # Django closes a connection that failed when the request ends (close_old_connections),
        # so the next request opens a fresh one: the site recovers without a restart.
        logger.error("Database or shared cache unavailable: %r", exception)
        return unavailable_page()


def unavailable_page():
    return plain_page(
        503,
        "Back in a moment",
        "The directory cannot reach its database or its cache just now. Please try again in a "
        "minute.",
        **{"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def server_error(request):
    """``handler500``: the 503 page when what failed outside a view was the database or the
    shared cache being unreachable (a staff session read by a middleware, say), which
    ``process_exception`` does not see; Django's 500 page otherwise."""
    if isinstance(sys.exc_info()[1], UNREACHABLE):
        return unavailable_page()
    return defaults.server_error(request)
