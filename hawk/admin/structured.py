"""JSON as a person reads it on an admin page: nested names and values in a foldable
<details>, numbers with thousands separators and no trailing zeros ("0", never "0.0000000"),
nothing shown twice."""

import re
from decimal import Decimal
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from hawk.web.numbers import number_text

NUMBER = re.compile(r"-?\d+(\.\d+)?")
EMPTY = "—"

__all__ = ["EMPTY", "number_text", "structured", "value_text"]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def value_text(value: Any) -> str:
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal) or (
        isinstance(value, str) and NUMBER.fullmatch(value)
    ):
        return number_text(value)
    return str(value)


def name_text(key: Any) -> str:
    return str(key).replace("_", " ")


def _body(value: Any) -> SafeString | str:
    if isinstance(value, dict) and value:
        # Only what is there: an empty entry says nothing a reader needs.
        present = [(name_text(k), _body(v)) for k, v in value.items() if not _empty(v)]
        if not present:
            return EMPTY
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", present))
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((_body(i),) for i in value))
        )
    if isinstance(value, list) and value:
        return ", ".join(value_text(item) for item in value)
    return value_text(value)


def structured(value: Any, summary: str, *, opened: bool = True) -> SafeString | str:
    """`value` (parsed JSON) as a foldable list of names and values; a dash when empty."""
    if value in (None, {}, [], ""):
        return EMPTY
    return format_html(
        '<details class="hawk-json"{}><summary>{}</summary>{}</details>',
        " open" if opened else "",
        summary,
        _body(value),
    )
