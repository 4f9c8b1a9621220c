"""The OpenAPI schema is valid, warning-free, and covers every endpoint, the stream included."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/hawk-agent/process-prompt:", "/hawk-agent/plan:", "/hawk-agent/context:",
                 "/hawk-agent/runs/{run_id}/stop:", "/cache/stats:", "/health:",
                 "/health/live:", "/health/ready:"):  # fmt: skip
        assert path in text


def test_the_streaming_endpoint_documents_its_event_stream(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/hawk-agent/process-prompt"]["post"]
    assert "text/event-stream" in post["responses"]["200"]["content"]
    assert "hawk_plan" in post["description"]
