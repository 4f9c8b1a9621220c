"""Configuration that makes no sense is refused, by the API and the importer (which judge the
models' check constraints before writing) and by the database itself; the audit stamps
(created_by, modified_by and their dates) come from the server, never from the body."""

import pytest
from django.db import IntegrityError, transaction

from hawk.models import BufferConfiguration, Currency
from tests.roles import client_with_role

pytestmark = pytest.mark.postgres


@pytest.fixture
def ops_client(db, django_user_model):
    return client_with_role(django_user_model, "ops1", "operations")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minimum_deal_size": "-1"}, "minimum_deal_size"),
        ({"maximum_deal_size": "-5"}, "maximum_deal_size"),
        ({"minimum_deal_size": "900", "maximum_deal_size": "100"}, "minimum_deal_size"),
        ({"effective_date": "2026-06-01", "expiry_date": "2026-01-01"}, "expiry_date"),
        ({"settlement_days": -2}, "settlement_days"),
    ],
)
def test_nonsense_currency_configuration_is_a_400_naming_the_column(
    ops_client, demo_data, body, field
):
    response = ops_client.patch("/api/hedge/currencies/AUD/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minimum_buffer_amount": "-1"}, "minimum_buffer_amount"),
        ({"minimum_buffer_amount": "50", "maximum_buffer_amount": "10"}, "minimum_buffer_amount"),
        ({"effective_date": "2026-06-01", "expiry_date": "2026-01-01"}, "expiry_date"),
    ],
)
def test_nonsense_buffer_configuration_is_a_400_naming_the_column(
    ops_client, demo_data, body, field
):
    response = ops_client.patch("/api/hedge/buffers/BUF-00001/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("model", "key", "change"),
    [
        (Currency, "AUD", {"settlement_days": -1}),
        (Currency, "AUD", {"minimum_deal_size": 10, "maximum_deal_size": 1}),
        (BufferConfiguration, "BUF-00001", {"maximum_buffer_amount": -1}),
    ],
)
def test_the_database_refuses_nonsense_written_around_the_api(demo_data, model, key, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=key).update(**change)


def test_audit_stamps_in_the_body_are_replaced_by_the_server(ops_client, demo_data):
    forged = {"created_by": "mallory", "created_date": "2001-01-01T00:00:00"}
    body = {"buffer_percentage": "5", "entity_type": "Branch", **forged}
    created = ops_client.post("/api/hedge/buffers/", body, format="json").json()
    assert created["created_by"] == "ops1"
    assert not created["created_date"].startswith("2001")
    key = created["buffer_rule_id"]
    forged = {"modified_by": "mallory", "modified_date": "2001-01-01T00:00:00"}
    updated = ops_client.patch(f"/api/hedge/buffers/{key}/", forged, format="json").json()
    assert (updated["modified_by"], updated["created_by"]) == ("ops1", "ops1")
    assert not updated["modified_date"].startswith("2001")
