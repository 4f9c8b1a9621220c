"""Dates in a prompt: ISO, written-out and relative ("tomorrow") ones."""

import datetime
import re

from hawk.pipeline.understand.spans import Span

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTHS})\.?,?\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {
    word: datetime.timedelta(days=offset)
    for word, offset in (("yesterday", -1), ("today", 0), ("tomorrow", 1))
}
_RELATIVE_DAY = re.compile(r"\b(?:yesterday|today|tomorrow)\b", re.IGNORECASE)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def date_spans(prompt: str, today: datetime.date) -> list[Span]:
    """Every date in the prompt, in order; value None for an impossible date ("2026-02-30")."""
    found = [
        Span(m.start(), m.end(), m.group(), today + _RELATIVE_DAYS[m.group().lower()])
        for m in _RELATIVE_DAY.finditer(prompt)
    ]
    for pattern in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        found += [
            Span(m.start(), m.end(), m.group(), _calendar_date(m)) for m in pattern.finditer(prompt)
        ]
    return sorted(found, key=lambda span: span.start)


def _calendar_date(match: re.Match[str]) -> datetime.date | None:
    month = match["month"]
    number = int(month) if month.isdigit() else _MONTH_NUMBERS[month[:3].lower()]
    try:
        return datetime.date(int(match["year"]), number, int(match["day"]))
    except ValueError:
        return None
