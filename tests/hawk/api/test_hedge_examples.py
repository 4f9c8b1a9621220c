"""The OpenAPI examples of /api/hedge are real responses of the demo data, kept in step.

`pytest tests/hawk/api/test_hedge_examples.py --write-examples` rewrites
hawk/api/examples/hedge.json from the responses; without the option the test fails when the
committed examples no longer match what the API answers.
"""

import json

import pytest

from hawk.api.hedge_schema import EXAMPLES
from hawk.hedge.resources import RESOURCES

pytestmark = pytest.mark.django_db


def real_examples(client) -> dict[str, object]:
    """A one-row page and that row, per resource (history is left out: its times vary)."""
    examples: dict[str, object] = {}
    for name, resource in RESOURCES.items():
        key_column = resource.model._meta.pk.column  # one order on every database
        page = client.get(f"/api/hedge/{name}/", {"page_size": 1, "ordering": key_column})
        assert page.status_code == 200, name
        examples[f"{name} HedgeListApi GET"] = page.json()
        key = page.json()["results"][0][key_column]
        detail = client.get(f"/api/hedge/{name}/{key}/")
        assert detail.status_code == 200, (name, key)
        examples[f"{name} HedgeDetailApi GET"] = detail.json()
    return examples


def test_the_openapi_examples_are_real_responses_of_the_demo_data(api_client, demo_data, request):
    examples = json.dumps(real_examples(api_client), indent=1, sort_keys=True) + "\n"

    if request.config.getoption("--write-examples"):
        EXAMPLES.write_text(examples)
    assert EXAMPLES.read_text() == examples, (
        "the examples differ from the API's answers: run "
        "pytest tests/hawk/api/test_hedge_examples.py --write-examples"
    )


def test_the_schema_carries_the_examples(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/hedge/positions/{key}/"]["get"]
    example = operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert example["DemoData"]["value"]["nav_id"].startswith("NAV-")


def test_a_nullable_reference_is_documented_as_nullable(api_client):
    # Found by the fuzz test: buffer rules without an entity were answered off the schema.
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    row = schema["components"]["schemas"]["HedgeBufferConfigurationRow"]["properties"]
    position = schema["components"]["schemas"]["HedgePositionNavRow"]["properties"]

    assert row["entity_id"].get("nullable") is True
    assert row["currency_code"].get("nullable") is True
    assert position["entity_id"].get("nullable") is not True
