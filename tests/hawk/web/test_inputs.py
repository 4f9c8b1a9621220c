"""What any input may hold: text without NUL or other control characters (tab, newline and
carriage return excepted), dates from 1900 to 2999. Anything else is a 400 naming the field,
never a 500 from the database or a date overflow."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.conftest import restore_roles
from tests.roles import client_with_role

pytestmark = pytest.mark.postgres


@pytest.fixture
def ops_client(db, django_user_model):
    return client_with_role(django_user_model, "ops1", "operations")


def assert_names(response, field: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert field in error["fields"], error


@pytest.mark.parametrize("value", ["\x00x", "a\x1bb", "x\x7f"])
def test_a_control_character_in_a_query_parameter_is_a_400_naming_it(ops_client, value):
    response = ops_client.get("/api/hedge/buffers/", {"entity_type": value})
    assert_names(response, "entity_type")


def test_a_control_character_in_a_query_parameter_name_is_a_400(ops_client):
    assert ops_client.get("/api/templates/?se%00arch=x").status_code == 400


def test_a_nul_in_a_json_body_is_a_400_naming_the_field(ops_client, demo_data):
    body = {"currency_code": "ZZZ", "currency_name": "Bad\x00name"}
    response = ops_client.post("/api/hedge/currencies/", body, format="json")
    assert_names(response, "currency_name")


@pytest.mark.parametrize("body_format", ["multipart", "urlencoded"])
def test_a_nul_in_a_form_body_is_a_400_naming_the_field_not_a_database_500(db, body_format):
    # The login form looks the user name up in Postgres, which refuses NUL in a text (a 500).
    body = {"username": "ops\x00admin", "password": "x", "next": "/admin/"}
    client = Client(raise_request_exception=False)
    if body_format == "multipart":
        response = client.post("/admin/login/", body)
    else:
        response = client.post(
            "/admin/login/", urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    assert_names(response, "username")


def test_a_control_character_in_a_nested_field_names_its_path(api_client):
    body = {"user_prompt": "capacity", "template_variables": {"note": "a\x01b"}}
    response = api_client.post("/hawk-agent/plan", body, format="json")
    assert_names(response, "template_variables.note")


def test_newlines_and_tabs_in_a_prompt_are_fine(api_client):
    body = {"user_prompt": "Check capacity\n\tfor CNY"}
    assert api_client.post("/hawk-agent/plan", body, format="json").status_code == 200


@pytest.mark.parametrize("as_of", ["9999-12-31", "1899-12-31", "3000-01-01"])
def test_an_analytics_date_out_of_bounds_is_a_400_naming_it(ops_client, as_of):
    assert_names(ops_client.get("/api/analytics/capacity", {"as_of": as_of}), "as_of")


def test_a_hedge_filter_date_out_of_bounds_is_a_400_naming_it(ops_client):
    response = ops_client.get("/api/hedge/positions/", {"as_of_date_from": "9999-12-31"})
    assert_names(response, "as_of_date_from")


def test_a_runs_since_out_of_bounds_is_a_400_naming_it(api_client):
    response = api_client.get("/hawk-agent/runs", {"since": "0001-01-01T00:00:00Z"})
    assert_names(response, "since")


def test_the_bounds_themselves_are_accepted(ops_client):
    for as_of in ("1900-01-01", "2999-12-31"):
        assert ops_client.get("/api/analytics/thresholds", {"as_of": as_of}).status_code == 200


@pytest.fixture
def admin_role_client(db, django_user_model):
    restore_roles()  # also after a transactional test's flush in a reused database
    return client_with_role(django_user_model, "admin1", "admin")


@pytest.mark.parametrize(
    "path",
    [
        "/hawk-agent/runs",
        "/api/templates/",
        "/api/experiments/",
        "/api/hedge/currencies/",
        "/api/analytics/capacity",
        "/api/analytics/usage",
        "/system/status",
        "/cache/stats",
    ],
)
def test_an_unknown_query_parameter_is_a_400_naming_it_everywhere(admin_role_client, path):
    response = admin_role_client.get(path, {"currencyy": "CNY"})
    assert_names(response, "currencyy")


@pytest.mark.parametrize("path", ["/hawk-agent/runs", "/api/templates/", "/api/experiments/"])
def test_a_list_knows_its_page_parameters(admin_role_client, path):
    response = admin_role_client.get(path, {"page": 1, "page_size": 10, "format": "json"})
    assert response.status_code == 200, response.content
