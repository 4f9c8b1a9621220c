"""Shared set-up of the templates tests: templates with typed fields, users of each role."""

from typing import Any

from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from templates_app.services import template_create
from tests.conftest import restore_roles

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
