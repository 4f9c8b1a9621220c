"""Context: the compact text the analysis backend gets, facts first, within a character budget.

Order: the request, the computed facts (authoritative), the warnings, then the records that
matter, grouped by source and labelled, as pipe tables. When the budget runs out, whole rows
are left out from the end and the text says how many of which source.
"""

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hawk.sources import source_spec

# Kept free at the end of the budget for the note on what was left out.
_NOTE_RESERVE = 400


@dataclass(frozen=True)
class BuiltContext:
    text: str
    truncated: bool
    omitted: dict[str, int] = field(default_factory=dict)

    @property
    def chars(self) -> int:
        return len(self.text)


def cell(value: Any) -> str:
    """One value as text: Decimals without exponent, dates ISO, None as blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Y" if value else "N"
    return str(value).replace("|", "/").replace("\n", " ")


def header_block(prompt: str, plan: Mapping[str, Any]) -> str:
    parameters = {k: v for k, v in plan["parameters"].items() if v not in (None, [], "")}
    lines = [
        f"# HAWK context (business date {plan['business_date']})",
        f"Request: {prompt}",
        f"Intent: {plan['intent']}; scope: {plan['data_scope']}",
        "Parameters: " + (json.dumps(parameters, sort_keys=True, default=str) or "none"),
    ]
    return "\n".join(lines) + "\n"


def facts_block(facts: Mapping[str, Any], warnings: Sequence[Mapping[str, str]]) -> str:
    lines = [
        "## Facts (computed by HAWK from the database; use these numbers, do not recompute)",
        json.dumps(facts, indent=1, sort_keys=False, default=str),
    ]
    if warnings:
        lines.append("## Warnings")
        lines += [f"- [{w['severity']}] {w['code']}: {w['message']}" for w in warnings]
    return "\n".join(lines) + "\n"


def source_rows(name: str, records: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    """The heading and table header of a source, and one line per record."""
    spec = source_spec(name)
    columns = list(records[0].keys()) if records else list(spec.columns)
    heading = (
        f"### {name}: {spec.description} ({len(records)} records)\n" + " | ".join(columns) + "\n"
    )
    lines = [
        " | ".join(cell(record.get(column)) for column in columns) + "\n" for record in records
    ]
    return heading, lines


def build_context(
    *,
    prompt: str,
    plan: Mapping[str, Any],
    facts: Mapping[str, Any],
    warnings: Sequence[Mapping[str, str]],
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    max_chars: int,
) -> BuiltContext:
    parts = [header_block(prompt, plan), facts_block(facts, warnings), "## Data\n"]
    used = sum(len(part) for part in parts)
    budget = max_chars - _NOTE_RESERVE
    omitted: dict[str, int] = {}
    for name, rows in records.items():
        heading, lines = source_rows(name, rows)
        if used + len(heading) > budget:
            omitted[name] = len(lines)
            continue
        parts.append(heading)
        used += len(heading)
        for index, line in enumerate(lines):
            if used + len(line) > budget:
                omitted[name] = len(lines) - index
                break
            parts.append(line)
            used += len(line)
    if omitted:
        left_out = ", ".join(f"{name}: {count} rows" for name, count in omitted.items())
        parts.append(f"## Left out (character budget {max_chars}): {left_out}\n")
    text = "".join(parts)
    # Only facts larger than the whole budget reach this cut; it is still reported.
    truncated = bool(omitted) or len(text) > max_chars
    return BuiltContext(text=text[:max_chars], truncated=truncated, omitted=omitted)
