"""Rendering a prompt template: plain substitution of {{placeholders}}, never code execution."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from templates_app.models import PromptTemplate

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
# The words that tie an optional value to the sentence ("today on {{day}}", "as of {{day}}"):
# when the value is left empty they go with it, so the prompt never ends in "... today on".
CONNECTORS = r"(?:as\s+of|on|for|in|at|by|from|to|with|since|until|before|after|of|per)"


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


def without_clause(text: str, name: str) -> str:
    """`text` without the placeholder `name` and what only it gave meaning to: "(for {{x}})",
    ", as of {{x}}", " on {{x}}", or the placeholder alone."""
    placeholder = r"\{\{\s*" + re.escape(name) + r"\s*\}\}"
    text = re.sub(rf"\s*\(\s*(?:{CONNECTORS}\s+)?{placeholder}\s*\)", "", text, flags=re.I)
    text = re.sub(rf",?\s*\b{CONNECTORS}\s+{placeholder}", "", text, flags=re.I)
    return re.sub(rf"\s*{placeholder}", "", text)


def render_template(template: PromptTemplate, variables: Mapping[str, str]) -> Rendered:
    """Fill the placeholders. A missing required variable is listed in `missing`; a missing
    optional one is left out with its clause (without_clause). Values are inserted verbatim:
    a value that looks like a placeholder is not expanded again."""
    required = set(required_variables(template))
    missing = [
        name
        for name in placeholders(template.prompt_text)
        if name in required and not str(variables.get(name, "")).strip()
    ]

    def substitute(match: re.Match[str]) -> str:
        return str(variables.get(match.group(1), "")).strip()

    text = template.prompt_text
    for name in placeholders(text):
        if name not in required and not str(variables.get(name, "")).strip():
            text = without_clause(text, name)
    prompt = PLACEHOLDER.sub(substitute, text)
    return Rendered(prompt=" ".join(prompt.split()), missing=missing)
