"""The OpenAPI schema covers every templates and experiments endpoint with its errors."""

import pytest
from drf_spectacular.generators import SchemaGenerator

PATHS = {
    "/api/templates/": {"get": {"200", "400", "401", "403"}, "post": {"201", "400", "401", "403"}},
    "/api/templates/{template_id}/": {"get": {"200", "401", "403", "404"},
                                      "patch": {"200", "400", "401", "403", "404"},
                                      "delete": {"200", "401", "403", "404"}},
    "/api/templates/{template_id}/versions/": {"get": {"200", "401", "403", "404"}},
    "/api/templates/{template_id}/versions/{version}/restore": {
        "post": {"200", "400", "401", "403", "404", "409"}},
    "/api/templates/{template_id}/render": {"post": {"200", "400", "401", "403", "404"}},
    "/api/experiments/": {"get": {"200", "401", "403"},
                          "post": {"201", "400", "401", "403", "409"}},
    "/api/experiments/{experiment_id}/": {"get": {"200", "401", "403", "404"},
                                          "patch": {"200", "400", "401", "403", "404", "409"}},
    "/api/experiments/{experiment_id}/results": {"get": {"200", "401", "403", "404"}},
}  # fmt: skip


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", PATHS)
def test_every_endpoint_is_in_the_schema_with_its_error_responses(schema, path):
    operations = schema["paths"][path]
    for method, statuses in PATHS[path].items():
        assert set(operations[method]["responses"]) == statuses, (path, method)


def test_errors_have_the_error_shape(schema):
    error = schema["components"]["schemas"]["ErrorBody"]
    assert {"code", "message", "fields", "request_id"} <= set(error["properties"])
