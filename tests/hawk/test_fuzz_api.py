"""Odd input everywhere (issue 8): every operation of the OpenAPI schema (/api/schema/) fuzzed
by schemathesis through a live server on 127.0.0.1, with a real token of a user who may run
prompts and operate the cache. No answer may be a 5xx, and every answer must match what the
schema documents for its status.

Runs on Postgres (the `postgres` mark: CI requires it), where text with NUL or a far date
reaches a real server. Bounded for the suite, to well under two minutes: one live server and
one load of the demo data for all operations (a test per operation set both up each time and
took 15 minutes), a few examples per operation, derandomized (the same cases on every run, so
a failure reproduces), no example database written to the work tree. A failure names every
operation that failed and its first falsifying case.
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

EXAMPLES_PER_OPERATION = 10
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
    """(method, path) of every operation the schema documents, read in-process; the test
    fuzzes the schema the live server serves."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@pytest.fixture
def served_schema(live_server_url, fuzz_token) -> Any:
    headers = {"Authorization": f"Token {fuzz_token}"}
    return schemathesis.openapi.from_url(f"{live_server_url}/api/schema/", headers=headers)


def test_no_operation_answers_a_server_error_or_off_its_schema(
    served_schema, live_server_url, fuzz_token
):
    headers = {"Authorization": f"Token {fuzz_token}"}
    operations = documented_operations()
    failures = []
    for method, path in operations:
        try:
            fuzz(served_schema[path][method], live_server_url, headers)
        except Exception as exc:  # every failing operation is reported, not only the first
            failures.append(f"{method} {path}: {str(exc)[:600]}")
    assert len(operations) > 100  # the whole schema was fuzzed
    assert not failures, "\n\n".join(failures)


def fuzz(operation: Any, base_url: str, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call_and_check(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    call_and_check()
