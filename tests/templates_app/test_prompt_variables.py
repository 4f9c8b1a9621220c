"""template_variables in /hawk-agent/plan, /context and /process-prompt get the same typed
checks as render: a bad or missing value is a 400 naming `template_variables.<name>`."""

import pytest

from tests.hawk.factories import CurrencyFactory
from tests.templates_app.helpers import make_template


@pytest.fixture
def template(db):
    CurrencyFactory(currency_code="CNY")
    return make_template()


@pytest.mark.parametrize("path", ["/hawk-agent/plan", "/hawk-agent/context",
                                  "/hawk-agent/process-prompt"])  # fmt: skip
@pytest.mark.parametrize(
    ("variables", "bad"),
    [({"amount": "lots", "currency": "CNY"}, "amount"),
     ({"amount": "150K", "currency": "ZZZ"}, "currency"),
     ({"currency": "CNY"}, "amount")],
)  # fmt: skip
def test_a_bad_variable_is_a_400_before_anything_runs(api_client, template, path, variables, bad):
    body = {"user_prompt": "x", "template_id": template.pk, "template_variables": variables}

    response = api_client.post(path, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [f"template_variables.{bad}"]


def test_good_variables_render_the_prompt_the_plan_understands(api_client, template):
    body = {"user_prompt": "x", "template_id": template.pk,
            "template_variables": {"amount": "150K", "currency": "cny"}}  # fmt: skip

    plan = api_client.post("/hawk-agent/plan", body, format="json").json()

    assert plan["parameters"]["currency"] == "CNY"
    assert plan["parameters"]["amount"] == "150000.00"
    assert {"positions", "allocations"} <= {source["name"] for source in plan["sources"]}


def test_an_archived_template_is_a_409_in_the_plan_too(api_client, template):
    template.status = "archived"
    template.save()

    response = api_client.post(
        "/hawk-agent/plan", {"user_prompt": "x", "template_id": template.pk}, format="json"
    )

    assert response.status_code == 409


@pytest.fixture
def noted(db):
    CurrencyFactory(currency_code="CNY")
    fields = [
        {"name": "amount", "label": "Amount", "type": "amount", "required": True},
        {"name": "note", "label": "Note", "type": "text", "required": False},
        {"name": "day", "label": "Day", "type": "date", "required": False},
    ]
    text = "Hedge {{amount}} CNY ({{note}}, {{day}})"
    return make_template(name="Noted", prompt_text=text, input_fields=fields)


@pytest.mark.parametrize(
    ("variables", "bad"),
    [
        ({"amount": "0" * 900_000 + "1"}, "amount"),
        ({"amount": "150K", "note": "pay \u202eevil\u202c"}, "note"),
        ({"amount": "150K", "note": "bell\x7f"}, "note"),
        ({"amount": "150K", "day": "9999-12-31"}, "day"),
    ],
    ids=["huge-amount", "bidi-override", "delete-character", "far-date"],
)
def test_render_refuses_oversized_or_deceptive_values(api_client, noted, variables, bad):
    response = api_client.post(
        f"/api/templates/{noted.pk}/render", {"variables": variables}, format="json"
    )
    assert response.status_code == 400
    assert f"variables.{bad}" in response.json()["error"]["fields"]
