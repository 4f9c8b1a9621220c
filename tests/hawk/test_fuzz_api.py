"""Odd input everywhere (issue 8): every operation of the OpenAPI schema (/api/schema/) fuzzed
by schemathesis through a live server on 127.0.0.1, with a real token of a user who may run
prompts and operate the cache. No answer may be a 5xx, and every answer must match what the
schema documents for its status.

Bounded for the suite: a fixed number of examples per operation, derandomized (the same cases
on every run, so a failure reproduces), no example database written to the work tree.
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

EXAMPLES_PER_OPERATION = 20
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(autouse=True)
def _builtin_analyst(settings):
    """No Dify from the developer's environment: the built-in analyst answers."""
    settings.DIFY_BASE_URL = ""


@pytest.fixture
def fuzz_token(committed_demo, make_user) -> str:
    user = make_user("fuzz-operator", "analyst")
    user.groups.add(*make_user("fuzz-helper", "operations").groups.all())
    return Token.objects.create(user=user).key


def documented_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation the schema documents, read in-process for the test
    ids; the test itself fuzzes the schema the live server serves."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@pytest.fixture
def served_schema(live_server_url, fuzz_token) -> Any:
    headers = {"Authorization": f"Token {fuzz_token}"}
    return schemathesis.openapi.from_url(f"{live_server_url}/api/schema/", headers=headers)


@pytest.mark.parametrize(("method", "path"), documented_operations())
def test_no_operation_answers_a_server_error_or_off_its_schema(
    method, path, served_schema, live_server_url, fuzz_token
):
    headers = {"Authorization": f"Token {fuzz_token}"}

    @given(case=served_schema[path][method].as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call_and_check(case: Any) -> None:
        case.call_and_validate(base_url=live_server_url, headers=headers, checks=CHECKS, timeout=30)

    call_and_check()
