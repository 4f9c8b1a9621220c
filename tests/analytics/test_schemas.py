"""Real responses of /api/analytics on the demo data have the shapes the OpenAPI schema shows."""

import pytest
from rest_framework import serializers

from analytics import schemas
from hawk.models import AgentRun
from tests.roles import client_with_role

pytestmark = pytest.mark.django_db


def conforms(schema: type[serializers.Serializer], body: dict) -> None:
    checked = schema(data=body)
    assert checked.is_valid(), checked.errors
    assert set(body) == set(schema().fields), "documented keys differ from the response's"


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/analytics/capacity", schemas.CapacityOverviewSchema),
        (
            "/api/analytics/capacity?currency_code=CNY&as_of=2026-10-31",
            schemas.CapacityOverviewSchema,
        ),
        ("/api/analytics/thresholds", schemas.ThresholdOverviewSchema),
        ("/api/analytics/effectiveness", schemas.EffectivenessOverviewSchema),
        ("/api/analytics/exceptions", schemas.ExceptionsOverviewSchema),
        ("/api/analytics/usage?granularity=hour", schemas.UsageOverviewSchema),
        ("/api/analytics/usage?group_by=user", schemas.UsageByUserSchema),
    ],
)
def test_each_response_has_its_documented_shape(django_user_model, demo_data, path, schema):
    client = client_with_role(django_user_model, "ops-schema", "operations")
    AgentRun.objects.create(prompt="CNY capacity", intent="utilisation", status="completed",
                            timings={"total_ms": 40.0, "first_token_ms": 12.0})  # fmt: skip

    response = client.get(path)

    assert response.status_code == 200
    conforms(schema, response.json())
