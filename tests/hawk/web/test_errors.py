"""Every error has the shape of API.md, carries a request id, and never shows a stack trace."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["error"]["request_id"] == response["X-Request-ID"]
    return body


def test_an_unknown_path_is_a_json_404(client):
    body = assert_error_shape(client.get("/no/such/thing"), 404, "not_found")
    assert "/no/such/thing" in body["error"]["message"]


def test_every_response_carries_a_request_id(client):
    first = client.get("/health")["X-Request-ID"]
    second = client.get("/health")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_sane_client_request_id_is_kept(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="angular-1234abcd")
    assert response["X-Request-ID"] == "angular-1234abcd"


def test_a_malformed_client_request_id_is_replaced(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="bad id with spaces\n")
    assert response["X-Request-ID"] != "bad id with spaces\n"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.urls("tests.hawk.web.urls_with_failures")
@pytest.mark.parametrize("path", ["/test-failure/plain", "/test-failure/api"])
def test_an_unexpected_error_is_a_500_without_internals(path, caplog):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert_error_shape(response, 500, "internal")
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "RuntimeError" in caplog.text or "secret internals" in logged


def test_the_schema_requires_no_cdn_and_swagger_assets_are_local(admin_client):
    page = admin_client.get("/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(api_client, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"user_prompt": "' + "x" * 2000 + '"}'
    response = api_client.post("/hawk-agent/plan", body, content_type="application/json")
    assert_error_shape(response, 413, "payload_too_large")
    assert "1024" in response.json()["error"]["message"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_an_oversized_form_outside_the_api_is_a_413_too(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = admin_client.post("/admin/login/", {"username": "x" * 2000, "password": "y"})
    assert_error_shape(response, 413, "payload_too_large")


def test_an_unknown_path_is_a_json_404_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/no/such/thing")
    body = assert_error_shape(response, 404, "not_found")
    assert "/no/such/thing" in body["error"]["message"]
    assert b"hawk-agent/" not in response.content  # no list of the URL patterns


def test_a_missing_slash_still_redirects(client, settings):
    settings.DEBUG = True
    response = client.get("/admin")
    assert response.status_code == 301
    assert response["Location"] == "/admin/"


def test_browsers_may_read_the_run_id_header(client):
    response = client.get("/health", HTTP_ORIGIN="http://localhost:4200")
    header = response["Access-Control-Expose-Headers"]
    exposed = {name.strip().lower() for name in header.split(",")}
    assert {"x-run-id", "x-request-id", "retry-after"} <= exposed
