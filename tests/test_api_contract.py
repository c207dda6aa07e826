"""Contract tests generated from the API's own OpenAPI document (schemathesis, on Hypothesis):
every operation is called with generated parameters, valid and not, against the directory of
``open_directory``. No answer may be a server error, and every answer must be one the document
declares, with its content type and its schema. Runs on whichever database the suite uses."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

try:  # schemathesis moved its core checks between releases
    from schemathesis.checks import not_a_server_error
except ImportError:  # pragma: no cover
    from schemathesis.specs.openapi.checks import not_a_server_error

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation: 16 operations, each example a request of a few milliseconds, so the
# whole run stays well under a minute on each database.
EXAMPLES = 15


# The document as /api/v1/openapi.json serves it (test_api.py checks that it does), built
# without a request so that it needs no database while tests are collected.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = get_wsgi_application()


@pytest.fixture
def contract_site(open_directory, settings):
    settings.API_REQUESTS_PER_MINUTE = 1_000_000  # the rate limit has its own tests
    settings.ALLOWED_HOSTS = ["*"]
    # schemathesis calls the WSGI application itself, whose request signals would close the
    # test's database connection after each request (Django's test client holds them off
    # the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("contract_site")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_every_api_operation_keeps_its_contract(case):
    case.call_and_validate(checks=CHECKS)
