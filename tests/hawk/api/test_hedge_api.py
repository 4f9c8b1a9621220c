"""/api/hedge/<resource>/: filters, pagination, role permissions, writes validated like an
import, the cache bumped at once, and the audit trail of every write."""

import pytest

from hawk.hedge.resources import RESOURCES
from tests.roles import client_with_role

CNY_CAPACITY = {"user_prompt": "capacity", "template_category": "utilisation", "currency": "CNY"}


@pytest.fixture
def ops_client(db, django_user_model):
    return client_with_role(django_user_model, "ops1", "operations")


@pytest.fixture
def viewer_client(db, django_user_model):
    return client_with_role(django_user_model, "viewer1", "viewer")


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_resource_lists_pages_of_rows_with_hawk_columns(viewer_client, demo_data, name):
    response = viewer_client.get(f"/api/hedge/{name}/", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] > 0 and len(body["results"]) <= 2
    pk = RESOURCES[name].model._meta.pk.column
    key = body["results"][0][pk]
    row = viewer_client.get(f"/api/hedge/{name}/{key}/")
    assert row.status_code == 200
    assert row.json() == body["results"][0]


def test_positions_filter_by_currency_nav_type_and_date_range(viewer_client, demo_data):
    params = {
        "currency_code": "CNY", "nav_type": "COI", "as_of_date_from": "2026-10-01",
        "as_of_date_to": "2026-11-20", "ordering": "-as_of_date", "page_size": 200,
    }  # fmt: skip
    rows = viewer_client.get("/api/hedge/positions/", params).json()["results"]
    assert rows
    assert {row["currency_code"] for row in rows} == {"CNY"}
    assert {row["nav_type"] for row in rows} == {"COI"}
    dates = [row["as_of_date"] for row in rows]
    assert dates == sorted(dates, reverse=True)
    assert all("2026-10-01" <= day <= "2026-11-20" for day in dates)
    assert isinstance(rows[0]["current_position"], str)


def test_retrieve_by_the_hawk_text_id(viewer_client, demo_data):
    row = viewer_client.get("/api/hedge/positions/NAV-00001/").json()
    assert row["nav_id"] == "NAV-00001"
    assert viewer_client.get("/api/hedge/positions/NAV-99999/").status_code == 404


def test_page_size_is_capped_at_200(viewer_client, demo_data):
    body = viewer_client.get("/api/hedge/deals/", {"page_size": 1000}).json()
    assert len(body["results"]) == 200 and body["next"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"as_of_date_from": "yesterday"}, "as_of_date_from"),
        ({"ordering": "nope"}, "ordering"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(viewer_client, demo_data, params, field):
    response = viewer_client.get("/api/hedge/positions/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_viewers_and_analysts_may_read_but_not_write(django_user_model, demo_data, role):
    client = client_with_role(django_user_model, f"{role}9", role)
    assert client.get("/api/hedge/buffers/").status_code == 200
    response = client.patch(
        "/api/hedge/buffers/BUF-00001/", {"buffer_percentage": "7"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_read_only_resources_refuse_writes(ops_client, demo_data):
    response = ops_client.post("/api/hedge/positions/", {"nav_id": "NAV-1"}, format="json")
    assert response.status_code == 405


def test_operations_create_a_buffer_rule_with_a_generated_id(ops_client, demo_data):
    body = {"currency_code": "CNY", "buffer_percentage": "7.5", "rule_priority": 5}
    response = ops_client.post("/api/hedge/buffers/", body, format="json")
    assert response.status_code == 201
    row = response.json()
    assert row["buffer_rule_id"].startswith("BUF-")
    assert row["buffer_percentage"] == "7.5000"
    assert row["created_by"] == "ops1"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"buffer_percentage": "lots"}, "buffer_percentage"),
        ({"buffer_percentage": "150"}, "buffer_percentage"),
        ({"currency_code": "XYZ"}, "currency_code"),
        ({"active_flag": "maybe"}, "active_flag"),
        ({"no_such_column": 1}, "no_such_column"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_column_as_an_import_would(
    ops_client, demo_data, body, field
):
    response = ops_client.patch("/api/hedge/buffers/BUF-00001/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert field in error["fields"]


def test_creating_a_taken_key_is_a_conflict(ops_client, demo_data):
    body = {"currency_code": "AUD", "currency_name": "Again"}
    assert ops_client.post("/api/hedge/currencies/", body, format="json").status_code == 409


def test_deleting_a_referenced_row_is_a_conflict(ops_client, demo_data):
    response = ops_client.delete("/api/hedge/currencies/CNY/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_a_change_shows_in_the_very_next_answer(api_client, ops_client, demo_data):
    before = api_client.post("/hawk-agent/context", CNY_CAPACITY, format="json").json()
    overlay = ops_client.get("/api/hedge/overlays/OVL-00001/").json()
    assert overlay["currency_code"] == "CNY" and overlay["approval_status"] == "Approved"
    response = ops_client.patch(
        "/api/hedge/overlays/OVL-00001/", {"approval_status": "Rejected"}, format="json"
    )
    assert response.status_code == 200
    after = api_client.post("/hawk-agent/context", CNY_CAPACITY, format="json").json()
    assert after["by_source"]["overlays"]["cache"] == "miss"
    row_before = _capacity_row(before, "ENTITY0005", "COI")
    row_after = _capacity_row(after, "ENTITY0005", "COI")
    assert row_before["overlay"] == "150000000.00"
    assert row_after["overlay"] == "0.00"


def _capacity_row(body, entity_id, nav_type):
    rows = body["facts"]["capacity"]["rows"]
    return next(r for r in rows if r["entity_id"] == entity_id and r["nav_type"] == nav_type)


def test_the_import_makes_the_first_history_record_and_an_edit_shows_its_diff(
    ops_client, demo_data
):
    ops_client.patch("/api/hedge/buffers/BUF-00001/", {"buffer_percentage": "6"}, format="json")
    history = ops_client.get("/api/hedge/buffers/BUF-00001/history/").json()
    assert [entry["action"] for entry in history] == ["changed", "created"]
    edit, imported = history
    assert edit["user"] == "ops1"
    assert edit["change"]["buffer_percentage"] == ["5.0000", "6.0000"]
    assert edit["change"]["modified_by"] == [None, "ops1"]
    assert imported["reason"] == "import" and imported["user"] is None
    assert imported["change"]["buffer_percentage"] == [None, "5.0000"]


def test_a_delete_is_in_the_history_with_its_user(ops_client, demo_data):
    created = ops_client.post(
        "/api/hedge/buffers/", {"buffer_percentage": "3", "entity_type": "TMU"}, format="json"
    ).json()
    key = created["buffer_rule_id"]
    assert ops_client.delete(f"/api/hedge/buffers/{key}/").status_code == 204
    history = ops_client.get(f"/api/hedge/buffers/{key}/history/").json()
    assert [(e["action"], e["user"]) for e in history] == [("deleted", "ops1"), ("created", "ops1")]
    assert history[0]["change"]["buffer_percentage"] == ["3.0000", None]


def test_an_admin_edit_is_in_the_api_history(admin_client, ops_client, demo_data):
    from hawk.models import BufferConfiguration

    rule = BufferConfiguration.objects.get(pk="BUF-00001")
    rule.buffer_percentage = 4
    rule._history_user = None
    rule.save()
    history = ops_client.get("/api/hedge/buffers/BUF-00001/history/").json()
    assert history[0]["change"]["buffer_percentage"] == ["5.0000", "4.0000"]
    page = admin_client.get("/admin/hawk/bufferconfiguration/BUF-00001/history/")
    assert page.status_code == 200
