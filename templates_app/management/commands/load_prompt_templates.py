"""`manage.py load_prompt_templates [PATH]`: upsert prompt templates by name, all or nothing."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from templates_app.models import Category, Family, PromptTemplate
from templates_app.rendering import PLACEHOLDER
from templates_app.requirements import requirement_problems
from templates_app.services import template_update

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo_templates.json"
FIELD_TYPES = {"currency", "amount", "nav_type", "order_id", "entity_id", "date", "text", "choice"}
DEFAULTS: dict[str, Any] = {
    "description": "",
    "input_fields": [],
    "data_requirements": {},
    "analysis_instructions": "",
    "status": PromptTemplate.Status.ACTIVE,
    "display_order": 100,
    "variant_group": "",
    "variant_label": "",
}
REQUIRED = ("name", "family_type", "template_category", "prompt_text")
KNOWN_KEYS = set(REQUIRED) | set(DEFAULTS)


class Command(BaseCommand):
    help = (
        "Create or update prompt templates from a JSON list, matched by name. Every template is "
        "checked first; on any problem nothing is written and every problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, default=DEMO_FILE, help="JSON file (default: the demo)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        templates = read_templates(path)
        problems = template_problems(templates)
        if problems:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            raise CommandError(f"{len(problems)} problem(s) in {path}; nothing loaded:\n{listed}")
        counts = templates_upsert(templates=[with_defaults(entry) for entry in templates])
        self.stdout.write(
            f"{len(templates)} templates from {path}: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged"
        )


def read_templates(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise CommandError(f"{path} must hold a JSON list of templates")
    return data


def template_problems(templates: list[Any]) -> list[str]:
    """Every problem of every template, each naming the template, so one run fixes them all."""
    problems = []
    seen: set[str] = set()
    for number, entry in enumerate(templates, start=1):
        label = f"template #{number}"
        if not isinstance(entry, dict):
            problems.append(f"{label}: not a JSON object")
            continue
        name = entry.get("name")
        if isinstance(name, str) and name:
            label = f"template #{number} {name!r}"
            if name in seen:
                problems.append(f"{label}: the name appears more than once")
            seen.add(name)
        problems += [f"{label}: {problem}" for problem in entry_problems(entry)]
    return problems


def entry_problems(entry: dict[str, Any]) -> list[str]:
    problems = [f"{key} is required" for key in REQUIRED if not entry.get(key)]
    problems += [f"unknown key {key!r}" for key in sorted(set(entry) - KNOWN_KEYS)]
    problems += choice_problems(entry)
    fields = entry.get("input_fields", [])
    if not isinstance(fields, list):
        return [*problems, "input_fields must be a list"]
    problems += [problem for field in fields for problem in field_problems(field)]
    problems += placeholder_problems(str(entry.get("prompt_text", "")), fields)
    problems += requirement_problems(entry.get("data_requirements", {}))
    order = entry.get("display_order", 0)
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        problems.append(f"display_order must be a whole number >= 0, not {order!r}")
    return problems


def choice_problems(entry: dict[str, Any]) -> list[str]:
    problems = []
    for key, allowed in (
        ("family_type", Family.values),
        ("template_category", Category.values),
        ("status", PromptTemplate.Status.values),
    ):
        if key in entry and entry[key] not in allowed:
            problems.append(f"{key} {entry[key]!r} is not one of {', '.join(allowed)}")
    return problems


def field_problems(field: Any) -> list[str]:
    if not isinstance(field, dict) or not isinstance(field.get("name"), str):
        return [f"input field {field!r} needs a name"]
    name, kind = field["name"], field.get("type")
    problems = []
    if kind not in FIELD_TYPES:
        problems.append(f"input field {name!r} has type {kind!r}, not one of {sorted(FIELD_TYPES)}")
    if kind == "choice" and not (isinstance(field.get("choices"), list) and field["choices"]):
        problems.append(f"input field {name!r} is a choice without choices")
    if not isinstance(field.get("required", False), bool):
        problems.append(f"input field {name!r}: required must be true or false")
    return problems


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


def with_defaults(entry: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **entry}


@transaction.atomic
def templates_upsert(*, templates: list[dict[str, Any]]) -> dict[str, int]:
    """Create or update each template by name; a changed text or data requirement bumps the
    version. Returns how many were created, updated and left unchanged."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    names = [values["name"] for values in templates]
    existing = {
        template.name: template for template in PromptTemplate.objects.filter(name__in=names)
    }
    for values in templates:
        template = existing.get(values["name"])
        if template is None:
            PromptTemplate.objects.create(**values)
            counts["created"] += 1
        elif template_update(template=template, values=values):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
