"""/api/templates/: list with filters and pages, detail, create, change with versions,
archive, restore, and render with typed variables."""

import pytest

from templates_app.models import PromptTemplate, TemplateVersion
from tests.hawk.factories import CurrencyFactory, EntityFactory
from tests.templates_app.helpers import CAPACITY, make_template

LIST = "/api/templates/"


def detail(template) -> str:
    return f"/api/templates/{template.pk}/"


@pytest.fixture
def template(db):
    CurrencyFactory(currency_code="CNY")
    return make_template()


def test_the_list_is_paginated_with_count_next_previous_and_results(api_client, template):
    for n in range(3):
        make_template(name=f"Capacity {n}")

    body = api_client.get(LIST, {"page_size": 2}).json()

    assert body["count"] == 4
    assert len(body["results"]) == 2 and body["next"] and body["previous"] is None
    assert set(body["results"][0]) == {"id", "name", "family_type", "template_category",
                                       "description", "input_fields", "status", "version",
                                       "display_order", "usage_count"}  # fmt: skip


def test_page_size_is_capped_at_200(api_client, template):
    response = api_client.get(LIST, {"page_size": 5000})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_list_filters_by_family_category_status_and_search(api_client, template):
    other = make_template(name="Rollover list", family_type="monitoring_status",
                          template_category="rollover", status="draft",
                          description="Upcoming maturities")  # fmt: skip

    def names(**query: str) -> list[str]:
        return [row["name"] for row in api_client.get(LIST, query).json()["results"]]

    assert names(family="monitoring_status") == [other.name]
    assert names(category="utilisation") == [template.name]
    assert names(status="draft") == [other.name]
    assert names(search="maturities") == [other.name]


def test_an_unknown_filter_value_is_a_400_naming_it(api_client, template):
    response = api_client.get(LIST, {"category": "astrology"})

    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]


def test_the_detail_has_text_requirements_instructions_and_uuid(api_client, template):
    body = api_client.get(detail(template)).json()

    assert body["prompt_text"] == CAPACITY["prompt_text"]
    assert body["data_requirements"] == CAPACITY["data_requirements"]
    assert body["analysis_instructions"] == "Lead with the decision."
    assert body["uuid"] == str(template.uuid)


def test_create_makes_version_1_with_who_and_the_note(api_client, user, db):
    body = {**CAPACITY, "name": "New one", "change_note": "first draft"}

    response = api_client.post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    created = PromptTemplate.objects.get(name="New one")
    version = created.versions.get()
    assert (created.version, version.version, version.changed_by, version.change_note) == (
        1, 1, user, "first draft"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"data_requirements": {"sources": ["horoscopes"]}}, "data_requirements"),
        ({"data_requirements": {"scope": "galactic"}}, "data_requirements"),
        ({"input_fields": [{"name": "amount", "type": "weight"}]}, "input_fields"),
        ({"prompt_text": "Hedge {{amount}} {{currency}} for {{entity}}"}, "prompt_text"),
        ({"family_type": "other"}, "family_type"),
        (
            {
                "prompt_text": "Hedge {{amount}} {{currency}} as {{view}}",
                "input_fields": [
                    *CAPACITY["input_fields"],
                    {"name": "view", "type": "choice", "choices": [{"label": "x"}, "detail"]},
                ],
            },
            "input_fields",
        ),
    ],
)
def test_a_bad_template_is_refused_with_a_400_naming_the_field(api_client, db, change, field):
    response = api_client.post(LIST, {**CAPACITY, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not PromptTemplate.objects.exists()


def test_a_patch_of_the_text_makes_a_new_version_and_keeps_the_old(api_client, template):
    response = api_client.patch(detail(template), {
        "prompt_text": "Can I hedge {{amount}} {{currency}} now?", "change_note": "shorter",
    }, format="json")  # fmt: skip

    assert response.status_code == 200
    assert response.json()["version"] == 2
    versions = api_client.get(f"{detail(template)}versions/").json()["results"]
    assert [(v["version"], v["change_note"]) for v in versions] == [(2, "shorter"), (1, "created")]
    assert versions[1]["prompt_text"] == CAPACITY["prompt_text"]
    assert versions[0]["changed_by"] == "analyst1"


def test_a_patch_of_the_display_order_keeps_the_version(api_client, template):
    api_client.patch(detail(template), {"display_order": 3}, format="json")

    template.refresh_from_db()
    assert (template.display_order, template.version, template.versions.count()) == (3, 1, 1)


def test_a_patch_with_bad_requirements_is_a_400_and_changes_nothing(api_client, template):
    response = api_client.patch(
        detail(template), {"data_requirements": {"sources": ["nope"]}}, format="json"
    )

    template.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["data_requirements"]
    assert template.data_requirements == CAPACITY["data_requirements"]


def test_delete_archives_the_template(api_client, template):
    response = api_client.delete(detail(template))

    template.refresh_from_db()
    assert response.status_code == 200
    assert template.status == "archived"


def test_restore_makes_the_old_content_the_newest_version(api_client, template):
    api_client.patch(detail(template), {"prompt_text": "Hedge {{amount}} {{currency}}?"},
                     format="json")  # fmt: skip

    response = api_client.post(f"{detail(template)}versions/1/restore", {}, format="json")

    template.refresh_from_db()
    assert response.status_code == 200
    assert (template.version, template.prompt_text) == (3, CAPACITY["prompt_text"])
    assert template.versions.get(version=3).change_note == "restored version 1"
    assert TemplateVersion.objects.filter(template=template).count() == 3


def test_restoring_the_current_content_is_a_409(api_client, template):
    response = api_client.post(f"{detail(template)}versions/1/restore", {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_an_unknown_version_is_a_404(api_client, template):
    assert api_client.post(f"{detail(template)}versions/9/restore").status_code == 404


# --- render -----------------------------------------------------------------------------------


def render(client, template, **variables):
    return client.post(f"{detail(template)}render", {"variables": variables}, format="json")


def test_render_fills_the_placeholders_with_checked_values(api_client, template):
    response = render(api_client, template, amount="150K", currency="cny")

    assert response.status_code == 200
    assert response.json() == {"prompt": "Check if I can hedge 150K CNY today",
                               "template_id": template.pk, "version": 1, "missing": []}  # fmt: skip


@pytest.mark.parametrize(
    ("variables", "bad"),
    [
        ({"amount": "lots", "currency": "CNY"}, "amount"),
        ({"amount": "0", "currency": "CNY"}, "amount"),
        ({"amount": "150K", "currency": "ZZZ"}, "currency"),
        ({"amount": "150K", "currency": "EUR"}, "currency"),  # real ISO code, not configured
        ({"amount": "150K"}, "currency"),
        ({"amount": "150K", "currency": "CNY", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_or_missing_variable_is_a_400_naming_it(api_client, template, variables, bad):
    response = render(api_client, template, **variables)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [f"variables.{bad}"]


TYPED_FIELDS = [
    {"name": "as_of", "type": "date", "required": True},
    {"name": "entity", "type": "entity", "required": True},
    {"name": "nav", "type": "nav_type", "required": True},
    {"name": "order", "type": "order_id", "required": True},
    {"name": "note", "type": "text", "required": False},
    {"name": "view", "type": "choice", "choices": ["summary", "detail"], "required": True},
]
GOOD = {"as_of": "2026-10-31", "entity": "ent0001", "nav": "coi", "order": "ORD-123",
        "view": "summary"}  # fmt: skip


@pytest.fixture
def typed(db):
    EntityFactory(entity_id="ENT0001")
    text = "As of {{as_of}} {{entity}} {{nav}} {{order}} {{note}} {{view}}"
    return make_template(name="Typed", prompt_text=text, input_fields=TYPED_FIELDS,
                         data_requirements={})  # fmt: skip


def test_every_type_accepts_a_good_value_and_normalises_codes(api_client, typed):
    response = render(api_client, typed, **GOOD)

    assert response.status_code == 200, response.json()
    assert response.json()["prompt"] == "As of 2026-10-31 ENT0001 COI ORD-123 summary"


@pytest.mark.parametrize(
    ("name", "value"),
    [("as_of", "not-a-date"), ("as_of", "31/10/2026"), ("entity", "NOPE"), ("nav", "XYZ"),
     ("order", "123"), ("note", "x" * 201), ("view", "everything")],
)  # fmt: skip
def test_every_type_refuses_a_bad_value(api_client, typed, name, value):
    response = render(api_client, typed, **{**GOOD, name: value})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [f"variables.{name}"]
