"""What makes a template's content valid: typed input fields that match the placeholders,
and data requirements the plan can honour. Shared by the API, the admin and the loaders, so a
bad template is refused when saved, never discovered by a failing run later."""

from typing import Any

from templates_app.rendering import PLACEHOLDER
from templates_app.requirements import requirement_problems

# `entity_id` is the older spelling of `entity` (the demo templates use it); both mean an
# entity that must exist.
FIELD_TYPES = (
    "amount", "currency", "date", "entity", "entity_id", "nav_type", "order_id", "text", "choice",
)  # fmt: skip


def field_problems(field: Any) -> list[str]:
    if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
        return [f"input field {field!r} needs a name"]
    name, kind = field["name"], field.get("type")
    problems = []
    if not PLACEHOLDER.fullmatch("{{" + name + "}}"):
        problems.append(f"input field name {name!r} is not a placeholder name (letters, digits, _)")
    if kind not in FIELD_TYPES:
        problems.append(f"input field {name!r} has type {kind!r}, not one of {sorted(FIELD_TYPES)}")
    choices = field.get("choices")
    if kind == "choice" and not (isinstance(choices, list) and choices):
        problems.append(f"input field {name!r} is a choice without choices")
    elif kind == "choice" and not all(_plain_choice(choice) for choice in choices or []):
        problems.append(f"input field {name!r}: each choice is a text or a number")
    if not isinstance(field.get("required", False), bool):
        problems.append(f"input field {name!r}: required must be true or false")
    return problems


def _plain_choice(choice: Any) -> bool:
    """What a user picks and a prompt shows: not an object, a list, a flag or null."""
    return isinstance(choice, str | int | float) and not isinstance(choice, bool)


def input_field_problems(fields: Any) -> list[str]:
    if not isinstance(fields, list):
        return ["input_fields must be a list"]
    return [problem for field in fields for problem in field_problems(field)]


def placeholder_problems(prompt_text: str, fields: list[Any]) -> list[str]:
    """Placeholders and input fields must match both ways: an undeclared placeholder could
    never be filled in, an unused field would be asked for and then ignored."""
    used = set(PLACEHOLDER.findall(prompt_text))
    names = [field.get("name") for field in fields if isinstance(field, dict)]
    declared = set(names)
    problems = [
        f"placeholder {{{{{name}}}}} is not declared in input_fields"
        for name in sorted(used - declared)
    ]
    problems += [
        f"input field {name!r} is not used in prompt_text"
        for name in sorted(declared - used, key=str)
    ]
    duplicates = sorted({name for name in names if names.count(name) > 1}, key=str)
    problems += [f"input field {name!r} is declared more than once" for name in duplicates]
    return problems


def content_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    """Problems of a template's content, by the field they belong to (empty: valid)."""
    fields = values.get("input_fields", [])
    found = {
        "input_fields": input_field_problems(fields),
        "data_requirements": requirement_problems(values.get("data_requirements", {})),
        "prompt_text": placeholder_problems(str(values.get("prompt_text", "")), fields)
        if isinstance(fields, list)
        else [],
    }
    return {name: problems for name, problems in found.items() if problems}
