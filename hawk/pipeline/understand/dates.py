"""Dates in a prompt: ISO, written-out ("31 Oct", "Oct 31, 2026") and relative ("yesterday",
"end of last month") ones, and which of them asks for figures as of a past date."""

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
# A day and month without a year ("on 31 Oct", "15 Nov"): the latest such day up to today.
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTHS})\b\.?(?!,?\s+\d{{4}})",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})"
    r"(?!\s*(?:[kmb]|bn|mn|mm|million|billion)\b)",
    re.IGNORECASE,
)
_END_OF_MONTH = re.compile(
    r"\b(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?last\s+month\b", re.IGNORECASE
)
# Words before a date that ask for the figures of that day: "as of", "as at", "on", "at", "for".
_AS_OF_CUE = re.compile(r"\b(?:as\s+(?:of|at)|on|at|for)\s+(?:the\s+)?$", re.IGNORECASE)
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
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        found += [
            Span(m.start(), m.end(), m.group(), _day_this_year(m, today))
            for m in pattern.finditer(prompt)
            if not any(span.start <= m.start() < span.end for span in found)
        ]
    found += [
        Span(m.start(), m.end(), m.group(), today.replace(day=1) - datetime.timedelta(days=1))
        for m in _END_OF_MONTH.finditer(prompt)
    ]
    return sorted(found, key=lambda span: span.start)


def as_of_date(prompt: str, dates: list[Span], today: datetime.date) -> Span | None:
    """The date the figures are asked for: a past date after "as of", "on", "at" or "for",
    or "yesterday" / "end of last month" on their own. Today and future dates (value dates,
    maturities) are not: figures are always as of the business date at the latest."""
    for span in dates:
        if not isinstance(span.value, datetime.date) or span.value >= today:
            continue
        relative = not span.text[:1].isdigit() and span.text.lower().startswith(
            ("yest", "end", "at", "the")
        )
        if relative or _AS_OF_CUE.search(prompt, 0, span.start):
            return span
    return None


def _day_this_year(match: re.Match[str], today: datetime.date) -> datetime.date | None:
    month = _MONTH_NUMBERS[match["month"][:3].lower()]
    try:
        day = datetime.date(today.year, month, int(match["day"]))
        return day if day <= today else day.replace(year=today.year - 1)
    except ValueError:
        return None


def _calendar_date(match: re.Match[str]) -> datetime.date | None:
    month = match["month"]
    number = int(month) if month.isdigit() else _MONTH_NUMBERS[month[:3].lower()]
    try:
        return datetime.date(int(match["year"]), number, int(match["day"]))
    except ValueError:
        return None
