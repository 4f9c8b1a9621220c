"""`manage.py load_prompt_templates [PATH]`: upsert prompt templates by name, all or nothing."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from templates_app.models import Category, Family, PromptTemplate
from templates_app.rendering import PLACEHOLDER  # noqa: F401  (tests import it from here)
from templates_app.services import template_create, template_update
from templates_app.validation import (
    field_problems,
    placeholder_problems,
    requirement_problems,
)

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo_templates.json"
DEFAULTS: dict[str, Any] = {
    "description": "",
    "input_fields": [],
    "data_requirements": {},
    "analysis_instructions": "",
    "status": PromptTemplate.Status.ACTIVE,
    "display_order": 100,
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
            template_create(values=values, change_note="loaded by load_prompt_templates")
            counts["created"] += 1
        elif template_update(
            template=template, values=values, change_note="loaded by load_prompt_templates"
        ):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
