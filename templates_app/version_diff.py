"""Two template versions compared the way an analyst reads them: texts word by word, the data
sources as a set (their order means nothing), the input fields as rows keyed by name."""

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from templates_app.models import TemplateVersion

TOKEN = re.compile(r"\s+|\S+")
FIELD_KEYS = ("label", "type", "required", "choices")


@dataclass
class TextChange:
    title: str
    anchor: str
    changed: bool
    html: SafeString


@dataclass
class Row:
    name: str
    change: str  # added, removed or changed
    details: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    texts: list[TextChange]
    sources: list[Row]
    scope: tuple[str, str] | None  # before, after; None when unchanged
    input_fields: list[Row]


def words_diff(before: str, after: str) -> SafeString:
    """`after`, with the words it added in <ins> and the words it dropped in <del>: whole
    words (and the spaces between them), never single letters."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(format_html("{}", "".join(new[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", "".join(new[j1:j2])))
    return format_html_join("", "{}", ((part,) for part in parts))


def text_change(title: str, before: str, after: str) -> TextChange:
    anchor = "diff-" + title.lower().replace(" ", "-")
    return TextChange(title, anchor, before != after, words_diff(before, after))


def source_rows(before: dict[str, Any], after: dict[str, Any]) -> list[Row]:
    old, new = set(before.get("sources") or []), set(after.get("sources") or [])
    return [Row(name, "added") for name in sorted(new - old)] + [
        Row(name, "removed") for name in sorted(old - new)
    ]


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "(none)"
    if key == "required":
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def field_rows(before: list[Any], after: list[Any]) -> list[Row]:
    old = {f["name"]: f for f in before if isinstance(f, dict) and "name" in f}
    new = {f["name"]: f for f in after if isinstance(f, dict) and "name" in f}
    rows = []
    for name in [*new, *(name for name in old if name not in new)]:
        if name not in old:
            rows.append(Row(name, "added", [_field_summary(new[name])]))
        elif name not in new:
            rows.append(Row(name, "removed", [_field_summary(old[name])]))
        else:
            details = [
                f"{key}: {_shown(key, old[name].get(key))} → {_shown(key, new[name].get(key))}"
                for key in FIELD_KEYS
                if old[name].get(key) != new[name].get(key)
            ]
            if details:
                rows.append(Row(name, "changed", details))
    return rows


def _field_summary(spec: dict[str, Any]) -> str:
    required = "required" if spec.get("required", True) else "optional"
    return f"{spec.get('label') or spec['name']}, {spec.get('type', 'text')}, {required}"


def compare(left: TemplateVersion | None, right: TemplateVersion | None) -> Comparison:
    """`left` → `right`; a missing version reads as empty."""

    def value(version: TemplateVersion | None, name: str, empty: Any) -> Any:
        return getattr(version, name) if version is not None else empty

    before_req, after_req = (value(v, "data_requirements", {}) or {} for v in (left, right))
    scopes = tuple(req.get("scope") or "from the parameters" for req in (before_req, after_req))
    texts = [
        text_change(title, value(left, name, ""), value(right, name, ""))
        for title, name in (
            ("Prompt text", "prompt_text"),
            ("Analysis instructions", "analysis_instructions"),
        )
    ]
    return Comparison(
        texts=texts,
        sources=source_rows(before_req, after_req),
        scope=(scopes[0], scopes[1]) if scopes[0] != scopes[1] else None,
        input_fields=field_rows(value(left, "input_fields", []), value(right, "input_fields", [])),
    )
