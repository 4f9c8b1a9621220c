"""Templates between environments, with their ids: rows in the shape of the HAWK database's
`prompt_templates` (HAWK_SCHEMA.md: `id` is the uuid) plus the product's own columns
(data_requirements, analysis_instructions, version). Import is all or nothing."""

import uuid
from typing import Any

from django.db import transaction

from templates_app.models import Category, Family, PromptTemplate
from templates_app.services import template_create, template_update
from templates_app.validation import content_problems

HAWK_COLUMNS = ("name", "family_type", "template_category", "description", "prompt_text",
                "template_filters", "input_fields", "status", "display_order", "usage_count",
                "created_by", "updated_by")  # fmt: skip
PRODUCT_COLUMNS = ("data_requirements", "analysis_instructions")
TIMESTAMPS = ("created_at", "updated_at")
DEFAULTS: dict[str, Any] = {
    "description": "",
    "template_filters": None,
    "input_fields": [],
    "status": "active",
    "display_order": 100,
    "usage_count": 0,
    "created_by": "",
    "updated_by": "",
    "data_requirements": {},
    "analysis_instructions": "",
}


def template_rows() -> list[dict[str, Any]]:
    rows = []
    for template in PromptTemplate.objects.order_by("family_type", "display_order", "name"):
        row: dict[str, Any] = {"id": str(template.uuid)}
        row |= {name: getattr(template, name) for name in (*HAWK_COLUMNS, *PRODUCT_COLUMNS)}
        row |= {name: getattr(template, name).isoformat() for name in TIMESTAMPS}
        row["version"] = template.version
        rows.append(row)
    return rows


def row_problems(number: int, row: Any) -> list[str]:
    if not isinstance(row, dict):
        return [f"row {number}: not an object"]
    label = f"row {number} ({row.get('name', '?')})"
    problems = []
    try:
        uuid.UUID(str(row.get("id")))
    except ValueError:
        problems.append(f"{label}: id must be a uuid, not {row.get('id')!r}")
    for key in ("name", "prompt_text"):
        if not row.get(key):
            problems.append(f"{label}: {key} is required")
    for key, allowed in (
        ("family_type", Family.values),
        ("template_category", Category.values),
        ("status", PromptTemplate.Status.values),
    ):
        if row.get(key, DEFAULTS.get(key)) not in allowed:
            problems.append(f"{label}: {key} {row.get(key)!r} is not one of {', '.join(allowed)}")
    values = {**DEFAULTS, **row}
    for field, messages in content_problems(values).items():
        problems += [f"{label}: {field}: {message}" for message in messages]
    return problems


def _name_clashes(rows: list[dict[str, Any]]) -> list[str]:
    """A name held by another template (another uuid) here would break the unique name."""
    by_name = dict(PromptTemplate.objects.values_list("name", "uuid"))
    return [
        f"row {n} ({row['name']}): the name belongs to template {by_name[row['name']]} here"
        for n, row in enumerate(rows, start=1)
        if row["name"] in by_name and str(by_name[row["name"]]) != str(row["id"])
    ]


@transaction.atomic
def templates_import(*, rows: list[Any], user: Any = None) -> dict[str, Any]:
    """Create or update each template by its uuid. Returns counts, or {"problems": [...]}
    with nothing written."""
    problems = [p for n, row in enumerate(rows, start=1) for p in row_problems(n, row)]
    problems = problems or _name_clashes(rows)
    if problems:
        return {"problems": problems}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    note = "imported"
    for row in rows:
        values = {
            name: row.get(name, DEFAULTS.get(name)) for name in (*HAWK_COLUMNS, *PRODUCT_COLUMNS)
        }
        template = PromptTemplate.objects.filter(uuid=row["id"]).first()
        if template is None:
            template_create(values={**values, "uuid": row["id"]}, user=user, change_note=note)
            counts["created"] += 1
        elif template_update(template=template, values=values, user=user, change_note=note):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
