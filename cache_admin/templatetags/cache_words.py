"""Filters that put the cache pages' figures in words: ages, filters, rates and sizes."""

from django import template

from hawk.sources import filter_words

register = template.Library()
register.filter("filter_words", filter_words)

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
def percent(rate: float | None) -> str:
    """0.5743 -> "57.4 %" (written as the experiment results write it)."""
    return MISSING if rate is None else f"{rate * 100:.1f} %"


@register.filter
def thousands(number: int | None) -> str:
    """1234567 -> "1,234,567"."""
    return MISSING if number is None else f"{number:,}"
