"""Rendering a prompt template: plain substitution of {{placeholders}}, never code execution."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from templates_app.models import PromptTemplate

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Rendered:
    prompt: str
    missing: list[str]


def placeholders(text: str) -> list[str]:
    """Placeholder names in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def required_variables(template: PromptTemplate) -> list[str]:
    declared = {f["name"]: f for f in template.input_fields if isinstance(f, dict) and "name" in f}
    return [
        name
        for name in placeholders(template.prompt_text)
        if declared.get(name, {}).get("required", True)
    ]


def render_template(template: PromptTemplate, variables: Mapping[str, str]) -> Rendered:
    """Fill the placeholders. A missing required variable is listed in `missing`; a missing
    optional one renders as empty text. Values are inserted verbatim: a value that looks like
    a placeholder is not expanded again."""
    required = set(required_variables(template))
    missing = [
        name
        for name in placeholders(template.prompt_text)
        if name in required and not str(variables.get(name, "")).strip()
    ]

    def substitute(match: re.Match[str]) -> str:
        return str(variables.get(match.group(1), "")).strip()

    prompt = PLACEHOLDER.sub(substitute, template.prompt_text)
    return Rendered(prompt=" ".join(prompt.split()), missing=missing)
