"""Filters that put the cache pages' figures in words: ages, filters, rates and sizes."""

from typing import Any

from django import template

register = template.Library()

LOOKUPS = {
    "": "is",
    "in": "is one of",
    "in_or_null": "is one of (or none)",
    "lte": "on or before",
    "lte_or_null": "on or before (or none)",
    "gte": "on or after",
    "range": "between",
}
MISSING = "-"


@register.filter
def duration(seconds: float | None) -> str:
    """12.3 -> "12 s", 252 -> "4 min 12 s", 7500 -> "2 h 5 min"."""
    if seconds is None:
        return MISSING
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


@register.filter
def filter_words(filters: dict[str, Any]) -> str:
    """{"currency_code__in_or_null": ["CNY"]} -> "currency code is one of (or none) CNY"."""
    if not filters:
        return "all rows"
    return "; ".join(_one_filter(key, value) for key, value in filters.items())


def _one_filter(key: str, value: Any) -> str:
    column, _, lookup = key.partition("__")
    shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if lookup == "range":
        shown = shown.replace(", ", " and ", 1)
    return f"{column.replace('_', ' ')} {LOOKUPS.get(lookup, lookup.replace('_', ' '))} {shown}"


@register.filter
def percent(rate: float | None) -> str:
    """0.5743 -> "57.4%"."""
    return MISSING if rate is None else f"{rate * 100:.1f}%"


@register.filter
def thousands(number: int | None) -> str:
    """1234567 -> "1,234,567"."""
    return MISSING if number is None else f"{number:,}"
