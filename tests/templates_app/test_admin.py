"""The prompt template admin: pages of every registered model, status actions and versioning."""

import pytest
from django.contrib import admin

from templates_app.models import (
    Category,
    Experiment,
    Family,
    PromptTemplate,
    TemplateVersion,
    Variant,
)
from templates_app.services import template_create
from tests.hawk.admin.support import (
    admin_url,
    assert_change_page_loads,
    assert_changelist_lists,
    assert_date_hierarchy_works,
    assert_filters_work,
    assert_history_lists,
    assert_search_finds,
    change_url,
    has_history,
    lists_row,
    model_id,
    registered_models,
    row_of,
)
from tests.templates_app.helpers import CAPACITY, role_client

TEMPLATE_MODELS = registered_models("templates_app")
TEMPLATE_HISTORY_MODELS = [model for model in TEMPLATE_MODELS if has_history(model)]
TEMPLATE_DATE_HIERARCHY_MODELS = [
    model for model in TEMPLATE_MODELS if admin.site._registry[model].date_hierarchy
]


@pytest.fixture
def template(db):
    return template_create(
        values={
            "name": "Capacity check",
            "family_type": Family.INSTRUCTIONS,
            "template_category": Category.UTILISATION,
            "description": "Can we hedge an amount now?",
            "prompt_text": "Check capacity for {{currency}}",
            "input_fields": [
                {"name": "currency", "label": "Currency", "type": "currency", "required": True}
            ],
            "data_requirements": {"sources": ["positions"], "scope": "targeted"},
        }
    )


@pytest.fixture
def template_rows(template):
    second = template_create(values={**CAPACITY, "name": "Capacity B"})
    experiment = Experiment.objects.create(name="wording")
    variant = Variant.objects.create(experiment=experiment, template=template, label="A")
    Variant.objects.create(experiment=experiment, template=second, label="B")
    return {
        PromptTemplate: template,
        TemplateVersion: template.versions.get(),
        Experiment: experiment,
        Variant: variant,
    }


def form_data(template: PromptTemplate, **changes: str) -> dict[str, str]:
    """The change form as a browser would post it back unchanged, plus `changes`: the input
    fields as the structured editor's rows (one filled, one empty), the data requirements as
    check boxes and a scope."""
    data = {
        "name": template.name,
        "family_type": template.family_type,
        "template_category": template.template_category,
        "description": template.description,
        "status": template.status,
        "display_order": str(template.display_order),
        "prompt_text": template.prompt_text,
        "input_fields-0-name": "currency",
        "input_fields-0-label": "Currency",
        "input_fields-0-type": "currency",
        "input_fields-0-required": "on",
        "input_fields-0-choices": "",
        "input_fields-1-name": "",
        "input_fields-1-type": "text",
        "requirement_sources": ["positions"],
        "requirement_scope": "targeted",
        "analysis_instructions": template.analysis_instructions,
        "_save": "Save",
    }
    return data | changes


@pytest.mark.parametrize("model", TEMPLATE_MODELS, ids=model_id)
def test_changelist_lists_the_row(admin_client, template_rows, model):
    assert_changelist_lists(admin_client, row_of(template_rows, model))


@pytest.mark.parametrize("model", TEMPLATE_MODELS, ids=model_id)
def test_change_page_opens(admin_client, template_rows, model):
    assert_change_page_loads(admin_client, row_of(template_rows, model))


@pytest.mark.parametrize("model", TEMPLATE_MODELS, ids=model_id)
def test_search_finds_the_row_and_only_matching_rows(admin_client, template_rows, model):
    assert_search_finds(admin_client, row_of(template_rows, model))


@pytest.mark.parametrize("model", TEMPLATE_MODELS, ids=model_id)
def test_every_filter_choice_loads(admin_client, template_rows, model):
    assert_filters_work(admin_client, row_of(template_rows, model))


@pytest.mark.parametrize("model", TEMPLATE_DATE_HIERARCHY_MODELS, ids=model_id)
def test_date_hierarchy_drills_down_to_the_row(admin_client, template_rows, model):
    assert_date_hierarchy_works(admin_client, row_of(template_rows, model))


@pytest.mark.parametrize("model", TEMPLATE_HISTORY_MODELS, ids=model_id)
def test_history_page_lists_the_changes(admin_client, template_rows, model):
    assert_history_lists(admin_client, row_of(template_rows, model))


def test_templates_are_found_by_their_prompt_text(admin_client, template):
    response = admin_client.get(admin_url(PromptTemplate, "changelist"), {"q": "{{currency}}"})

    assert lists_row(response, template)


def test_archive_action_archives_and_records_who_did_it(admin_client, admin_user, template):
    response = admin_client.post(
        admin_url(PromptTemplate, "changelist"),
        {"action": "archive_templates", "_selected_action": [template.pk]},
    )

    template.refresh_from_db()
    latest = template.history.latest()
    assert response.status_code == 302
    assert template.status == PromptTemplate.Status.ARCHIVED
    assert latest.status == PromptTemplate.Status.ARCHIVED
    assert latest.history_user == admin_user


def test_activate_action_activates_drafts(admin_client, template):
    template.status = PromptTemplate.Status.DRAFT
    template.save()

    admin_client.post(
        admin_url(PromptTemplate, "changelist"),
        {"action": "activate_templates", "_selected_action": [template.pk]},
    )

    template.refresh_from_db()
    assert template.status == PromptTemplate.Status.ACTIVE


def test_editing_the_prompt_text_bumps_the_version(admin_client, template):
    response = admin_client.post(
        change_url(template), form_data(template, prompt_text="Capacity for {{currency}}?")
    )

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.prompt_text == "Capacity for {{currency}}?"
    assert template.version == 2


def test_editing_only_the_display_order_keeps_the_version(admin_client, template):
    response = admin_client.post(change_url(template), form_data(template, display_order="5"))

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.display_order == 5
    assert template.version == 1


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["Capacity\x00check", "Capacity\x1bcheck", "Capacity\x7f"])
def test_a_control_character_in_the_name_is_refused_naming_it_and_nothing_is_stored(
    admin_client, template, name
):
    response = admin_client.post(change_url(template), form_data(template, name=name))

    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]
    template.refresh_from_db()
    assert (template.name, template.version) == ("Capacity check", 1)


def test_tabs_and_newlines_in_the_prompt_text_are_text(admin_client, template):
    text = "Check capacity\n\tfor {{currency}}\r\n"
    response = admin_client.post(change_url(template), form_data(template, prompt_text=text))

    assert response.status_code == 302
    template.refresh_from_db()
    assert "\tfor {{currency}}" in template.prompt_text


def test_version_and_usage_count_are_not_editable(admin_client, template):
    admin_client.post(change_url(template), form_data(template, version="9", usage_count="999"))

    template.refresh_from_db()
    assert (template.version, template.usage_count) == (1, 0)


# --- structured editors, versions, diff, preview, roles ---------------------------------------


def test_the_structured_editor_adds_a_field_and_the_requirements_boxes_save(admin_client, template):
    data = form_data(template, prompt_text="Check {{amount}} for {{currency}}")
    data |= {
        "input_fields-1-name": "amount",
        "input_fields-1-label": "Amount",
        "input_fields-1-type": "amount",
        "input_fields-1-required": "on",
        "requirement_sources": ["positions", "allocations"],
        "change_note": "add amount",
    }

    response = admin_client.post(change_url(template), data)

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.input_fields[1] == {"name": "amount", "label": "Amount", "type": "amount",
                                        "required": True}  # fmt: skip
    assert template.data_requirements == {"sources": ["positions", "allocations"],
                                          "scope": "targeted"}  # fmt: skip
    assert template.versions.get(version=2).change_note == "add amount"


def test_the_editor_refuses_a_placeholder_without_a_field(admin_client, template):
    response = admin_client.post(change_url(template), form_data(template, prompt_text="{{x}}"))

    template.refresh_from_db()
    assert response.status_code == 200
    assert "is not declared in input_fields" in response.content.decode()
    assert template.version == 1


def test_changing_only_the_requirements_makes_a_new_version(admin_client, template):
    admin_client.post(change_url(template), form_data(template, requirement_scope="minimal"))

    template.refresh_from_db()
    assert template.data_requirements["scope"] == "minimal"
    assert template.version == 2


def staff_client(client, django_user_model, role: str):
    role_client(django_user_model, role)  # makes the user in the role group
    user = django_user_model.objects.get(username=f"{role}-user")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_an_analyst_who_is_not_superuser_edits_a_template_in_the_admin(
    client, django_user_model, template
):
    staff_client(client, django_user_model, "analyst")

    response = client.post(change_url(template), form_data(template, description="clearer"))

    template.refresh_from_db()
    assert response.status_code == 302
    assert template.description == "clearer"


def test_a_viewer_reads_but_cannot_edit_in_the_admin(client, django_user_model, template):
    staff_client(client, django_user_model, "viewer")

    page = client.get(change_url(template))
    response = client.post(change_url(template), form_data(template, description="nope"))

    template.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 403
    assert template.description == "Can we hedge an amount now?"


def test_the_diff_shows_what_changed_between_two_versions(admin_client, template):
    admin_client.post(
        change_url(template), form_data(template, prompt_text="Capacity {{currency}}?")
    )
    url = admin_url(PromptTemplate, "diff", template.pk)

    response = admin_client.get(url, {"a": 1, "b": 2})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Prompt text</h2>" in page and "<h2>Input fields: unchanged</h2>" in page
    assert "<del>Check</del><ins>Capacity</ins>" in page


def test_the_preview_renders_plans_and_builds_the_context_without_the_llm(
    admin_client, demo_data, template
):
    response = admin_client.post(admin_url(PromptTemplate, "preview", template.pk),
                                 {"currency": "CNY"})  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "Check capacity for CNY" in page
    assert "positions" in page and "<strong>Context</strong> (" in page
    assert "Facts" in page


def test_the_preview_shows_the_built_in_answer_readable_filters_and_facts_as_tables(
    admin_client, demo_data, template
):
    response = admin_client.post(
        admin_url(PromptTemplate, "preview", template.pk), {"currency": "CNY"}
    )

    page = response.content.decode()
    assert "<h2>Built-in answer</h2>" in page
    assert "<h2>CNY capacity: " in page  # the report's title, as HTML
    assert "<td>currency code is one of (or none) CNY</td>" in page
    assert "__in_or_null" not in page
    assert "<h4>Rows</h4>" in page and '<th scope="col">Entity id</th>' in page
    assert '"total_available"' not in page  # no raw JSON of the facts
    assert "<details><summary><strong>Context</strong>" in page


def test_the_preview_answer_follows_the_templates_analysis_instructions(
    admin_client, demo_data, template
):
    template.prompt_text = "Check if I can hedge 150K {{currency}} today"
    template.analysis_instructions = "Lead with the PB deposit headroom."
    template.save()
    response = admin_client.post(
        admin_url(PromptTemplate, "preview", template.pk), {"currency": "CNY"}
    )

    answer = response.content.decode().split("<h2>Built-in answer</h2>")[1]
    assert answer.index("USD PB deposit") < answer.index("Decision: PASS")


def test_the_preview_offers_the_configured_currencies_and_a_date_picker(
    admin_client, demo_data, template
):
    template.input_fields = [
        *template.input_fields,
        {"name": "day", "label": "Day", "type": "date", "required": False},
    ]
    template.save()

    page = admin_client.get(admin_url(PromptTemplate, "preview", template.pk)).content.decode()

    assert '<option value="CNY">CNY Chinese Yuan Renminbi</option>' in page
    assert '<input type="date" name="day"' in page


def test_the_preview_names_a_bad_variable(admin_client, demo_data, template):
    response = admin_client.post(admin_url(PromptTemplate, "preview", template.pk),
                                 {"currency": "ZZZ"})  # fmt: skip

    assert "ZZZ is not one of the available choices" in response.content.decode()
    assert "Rendered prompt" not in response.content.decode()


def test_the_experiment_page_compares_its_variants(admin_client, template_rows):
    response = admin_client.get(change_url(template_rows[Experiment]))

    page = response.content.decode()
    assert "Liked (of rated)" in page and "Not enough rated runs yet" in page


def test_unknown_data_sources_are_refused_on_save(admin_client, template):
    # The structured editor offers only known sources; a forged post is refused all the same.
    sources = ["positions", "murex"]
    response = admin_client.post(change_url(template),
                                 form_data(template, requirement_sources=sources))  # fmt: skip

    template.refresh_from_db()
    assert response.status_code == 200  # the form again, with the error
    assert "murex is not one of the available choices" in response.content.decode()
    assert template.data_requirements == {"sources": ["positions"], "scope": "targeted"}
    assert template.version == 1
