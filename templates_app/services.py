"""Writes to prompt templates, so every path (admin, loaders, API) versions them the same way:
each change of content makes a new immutable numbered TemplateVersion."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from hawk.database.integrity import unique_field
from hawk.web.errors import HawkError
from templates_app.experiments import check_not_in_running_experiment
from templates_app.models import PromptTemplate, TemplateVersion
from templates_app.validation import content_problems

# Cached answers are keyed on the template version: a change to any of these must bump it.
VERSIONED_FIELDS = ("prompt_text", "input_fields", "data_requirements", "analysis_instructions")


def version_changed(changed_fields: Iterable[str]) -> bool:
    return bool(set(VERSIONED_FIELDS) & set(changed_fields))


def check_content(values: dict[str, Any]) -> None:
    """HawkError invalid_field (400) naming each field whose content is not valid."""
    problems = content_problems(values)
    if problems:
        first = next(iter(problems.items()))
        raise HawkError("invalid_field", f"{first[0]}: {first[1][0]}", fields=problems)


def _username(user: Any) -> str:
    return user.get_username() if user is not None and user.is_authenticated else ""


def version_record(*, template: PromptTemplate, user: Any = None, change_note: str = "") -> None:
    """Store the template's current content as its current version number."""
    TemplateVersion.objects.create(
        template=template,
        version=template.version,
        changed_by=user if user is not None and user.is_authenticated else None,
        change_note=change_note,
        **{name: getattr(template, name) for name in VERSIONED_FIELDS},
    )


@transaction.atomic
def template_create(
    *, values: dict[str, Any], user: Any = None, change_note: str = ""
) -> PromptTemplate:
    template = PromptTemplate(**values)
    if user is not None and user.is_authenticated:
        template.created_by = template.updated_by = _username(user)
    template.version = 1
    with unique_field("name", "a template with this name exists"):
        template.save()
        version_record(template=template, user=user, change_note=change_note or "created")
    return template


@transaction.atomic
def template_update(
    *, template: PromptTemplate, values: dict[str, Any], user: Any = None, change_note: str = ""
) -> bool:
    """Apply `values`; a change of content makes a new version. False: nothing to do."""
    changed = [key for key, value in values.items() if getattr(template, key) != value]
    if not changed:
        return False
    if "status" in changed and values["status"] == PromptTemplate.Status.ARCHIVED:
        check_not_in_running_experiment(template)
    for key in changed:
        setattr(template, key, values[key])
    template_save(template=template, changed=changed, user=user, change_note=change_note)
    return True


def template_save(
    *, template: PromptTemplate, changed: Iterable[str], user: Any = None, change_note: str = ""
) -> None:
    """Save a template whose `changed` fields were set (also by the admin's form)."""
    if user is not None and user.is_authenticated:
        template.updated_by = _username(user)
    if change_note:
        # The template's audit history (django-simple-history) carries the reason too.
        template._change_reason = change_note  # type: ignore[attr-defined]
    if not version_changed(changed):
        template.save()
        return
    with transaction.atomic():
        # The newest stored number, not the in-memory one: two editors never share a number.
        latest = (
            TemplateVersion.objects.select_for_update()
            .filter(template=template)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        template.version = max(latest or 0, template.version) + 1
        template.save()
        version_record(template=template, user=user, change_note=change_note)


def template_archive(*, template: PromptTemplate, user: Any = None) -> PromptTemplate:
    if template.status != PromptTemplate.Status.ARCHIVED:
        template_update(
            template=template, values={"status": PromptTemplate.Status.ARCHIVED}, user=user
        )
    return template


def template_restore(
    *, template: PromptTemplate, version: TemplateVersion, user: Any = None, change_note: str = ""
) -> PromptTemplate:
    """That version's content becomes the newest version (history is never rewritten)."""
    values = {name: getattr(version, name) for name in VERSIONED_FIELDS}
    note = f"restored version {version.version}" + (f": {change_note}" if change_note else "")
    if not template_update(template=template, values=values, user=user, change_note=note):
        raise HawkError("conflict", f"version {version.version} is the current content already")
    return template


def template_count_use(*, template_id: int) -> None:
    PromptTemplate.objects.filter(pk=template_id).update(usage_count=F("usage_count") + 1)
