"""Writes to prompt templates, so every path (admin, loader, API) versions them the same way."""

from collections.abc import Iterable
from typing import Any

from templates_app.models import PromptTemplate

# Cached answers are keyed on the template version: a change to any of these must bump it.
VERSIONED_FIELDS = ("prompt_text", "input_fields", "data_requirements", "analysis_instructions")


def version_changed(changed_fields: Iterable[str]) -> bool:
    return bool(set(VERSIONED_FIELDS) & set(changed_fields))


def template_update(*, template: PromptTemplate, values: dict[str, Any]) -> bool:
    """Apply `values`; bump the version when a versioned field changed. False: nothing to do."""
    changed = [key for key, value in values.items() if getattr(template, key) != value]
    if not changed:
        return False
    for key in changed:
        setattr(template, key, values[key])
    if version_changed(changed):
        template.version += 1
    template.save()
    return True
