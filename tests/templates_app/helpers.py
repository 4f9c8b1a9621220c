"""Shared set-up of the templates tests: templates with typed fields, users of each role."""

from typing import Any

from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from templates_app.models import Experiment, PromptTemplate, Variant
from templates_app.services import template_create
from tests.conftest import restore_roles
from tests.hawk.factories import CurrencyFactory

CAPACITY = {
    "name": "Capacity check",
    "family_type": "instructions_processing",
    "template_category": "utilisation",
    "description": "Can we hedge an amount now?",
    "prompt_text": "Check if I can hedge {{amount}} {{currency}} today",
    "input_fields": [
        {"name": "amount", "label": "Amount", "type": "amount", "required": True},
        {"name": "currency", "label": "Currency", "type": "currency", "required": True},
    ],
    "data_requirements": {"sources": ["positions", "allocations"], "scope": "targeted"},
    "analysis_instructions": "Lead with the decision.",
}


def make_template(**changes: Any):
    return template_create(values={**CAPACITY, **changes})


def capacity_pair() -> tuple[PromptTemplate, PromptTemplate]:
    """Two wordings of the capacity template (same input fields), and the currency they need."""
    CurrencyFactory(currency_code="CNY")
    second_text = "Can I hedge {{amount}} {{currency}} right now?"
    return make_template(), make_template(name="Capacity B", prompt_text=second_text)


def experiment_of(first, second, weights=(1, 1), status="running") -> Experiment:
    experiment = Experiment.objects.create(name="wording test", status=status)
    Variant.objects.create(experiment=experiment, template=first, label="A", weight=weights[0])
    Variant.objects.create(experiment=experiment, template=second, label="B", weight=weights[1])
    return experiment


def role_client(django_user_model, role: str | None, username: str = "") -> APIClient:
    """A token-authenticated client of a user in `role` (None: not logged in)."""
    restore_roles()
    client = APIClient()
    if role is None:
        return client
    user = django_user_model.objects.create_user(username or f"{role}-user", password="x-9-y")
    user.groups.add(Group.objects.get(name=role))
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
