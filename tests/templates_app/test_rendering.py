"""Rendering a template's prompt: an optional variable left empty takes its clause with it, so
the prompt never ends in "... today on"."""

import pytest

from templates_app.models import PromptTemplate
from templates_app.rendering import render_template
from templates_app.services import template_create
from tests.hawk.admin.support import admin_url

CURRENCY = {"name": "currency", "label": "Currency", "type": "currency", "required": True}
DAY = {"name": "day", "label": "Day", "type": "date", "required": False}
ENTITY = {"name": "entity", "label": "Entity", "type": "text", "required": False}


def template_of(text: str) -> PromptTemplate:
    return PromptTemplate(prompt_text=text, input_fields=[CURRENCY, DAY, ENTITY])


@pytest.mark.parametrize(
    ("text", "variables", "prompt"),
    [
        ("Check capacity for {{currency}} today on {{day}}", {"currency": "CNY"},
         "Check capacity for CNY today"),
        ("Check capacity for {{currency}} today on {{day}}", {"currency": "CNY", "day": "2026-11-20"},  # noqa: E501
         "Check capacity for CNY today on 2026-11-20"),
        ("Positions in {{currency}} as of {{day}}.", {"currency": "HKD"}, "Positions in HKD."),
        ("Hedges of {{currency}} (for {{entity}}) maturing soon", {"currency": "CNY"},
         "Hedges of CNY maturing soon"),
        ("{{currency}} exposure for {{entity}}, as of {{day}}?", {"currency": "CNY"},
         "CNY exposure?"),
        ("Show {{entity}} {{currency}} positions", {"currency": "CNY"}, "Show CNY positions"),
    ],
)  # fmt: skip
def test_an_empty_optional_variable_takes_its_clause_with_it(text, variables, prompt):
    assert render_template(template_of(text), variables).prompt == prompt


def test_the_preview_drops_the_clause_of_an_empty_optional_date(admin_client, demo_data):
    template = template_create(
        values={
            "name": "Capacity on a day",
            "family_type": "instructions_processing",
            "template_category": "utilisation",
            "prompt_text": "Check if I can hedge 150K {{currency}} today on {{day}}",
            "input_fields": [CURRENCY, DAY],
        }
    )

    response = admin_client.post(
        admin_url(PromptTemplate, "preview", template.pk), {"currency": "CNY", "day": ""}
    )

    page = response.content.decode()
    assert "<strong>Check if I can hedge 150K CNY today</strong>" in page
    assert "today on" not in page
