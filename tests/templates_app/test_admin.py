"""The prompt template admin: pages of every registered model, status actions and versioning."""

import pytest
from django.contrib import admin

from templates_app.models import Category, Family, PromptTemplate
from tests.hawk.test_admin import (
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

TEMPLATE_MODELS = registered_models("templates_app")
TEMPLATE_HISTORY_MODELS = [model for model in TEMPLATE_MODELS if has_history(model)]
TEMPLATE_DATE_HIERARCHY_MODELS = [
    model for model in TEMPLATE_MODELS if admin.site._registry[model].date_hierarchy
]


@pytest.fixture
def template(db):
    return PromptTemplate.objects.create(
        name="Capacity check",
        family_type=Family.INSTRUCTIONS,
        template_category=Category.UTILISATION,
        description="Can we hedge an amount now?",
        prompt_text="Check capacity for {{amount}} {{currency}}",
        input_fields=[{"name": "currency", "label": "Currency", "type": "currency"}],
    )


@pytest.fixture
def template_rows(template):
    return {PromptTemplate: template}


def form_data(template: PromptTemplate, **changes: str) -> dict[str, str]:
    """The change form as a browser would post it back unchanged, plus `changes`.

    Fields with a callable default (the JSON ones) carry their initial value in a hidden
    "initial-" input, which Django compares against to decide whether they changed.
    """
    input_fields = '[{"name": "currency", "label": "Currency", "type": "currency"}]'
    data = {
        "name": template.name,
        "family_type": template.family_type,
        "template_category": template.template_category,
        "description": template.description,
        "status": template.status,
        "display_order": str(template.display_order),
        "prompt_text": template.prompt_text,
        "input_fields": input_fields,
        "initial-input_fields": input_fields,
        "data_requirements": "{}",
        "initial-data_requirements": "{}",
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


def test_version_and_usage_count_are_not_editable(admin_client, template):
    admin_client.post(change_url(template), form_data(template, version="9", usage_count="999"))

    template.refresh_from_db()
    assert (template.version, template.usage_count) == (1, 0)
