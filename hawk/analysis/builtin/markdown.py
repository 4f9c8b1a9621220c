"""Markdown pieces of the built-in report: values copied from the facts strings, and tables.

Every number shown is a facts string reformatted, never recomputed: thousands separators are
added to amounts, a ratio is shown as a percentage by moving its decimal point (0.6422 ->
64.22%), and nothing is rounded.
"""

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

MISSING = "n/a"
MAX_TABLE_ROWS = 25

Row = TypeVar("Row")


def _decimal(text: Any) -> Decimal | None:
    if text is None or isinstance(text, bool):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def amount(text: Any) -> str:
    """ "1347500.00" -> "1,347,500.00"; the decimals stay as the facts give them."""
    value = _decimal(text)
    return MISSING if value is None else format(value, ",f")


def magnitude(text: Any) -> str:
    """An amount without its sign, for sentences that say the direction in words."""
    return amount(text).lstrip("-")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def percent_of_ratio(text: Any) -> str:
    """A ratio as a percentage, by moving the point: "0.2500" -> "25.00%"."""
    value = _decimal(text)
    return MISSING if value is None else f"{value.scaleb(2):f}%"


def percent(text: Any) -> str:
    """A number of percent, trailing zeros trimmed to two decimals: "5.0000" -> "5.00%"."""
    value = _decimal(text)
    if value is None:
        return MISSING
    trimmed = value.normalize()
    exponent = trimmed.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        trimmed = trimmed.quantize(Decimal("0.01"))  # adds zeros only: the value is unchanged
    return f"{trimmed:f}%"


def text(value: Any) -> str:
    """A label or id as it is; absent ones as n/a."""
    return MISSING if value in (None, "") else str(value).replace("|", "/")


def words(value: Any) -> str:
    """A state code in words: "Partially_Hedged" -> "Partially hedged"."""
    if value in (None, ""):
        return MISSING
    spoken = str(value).replace("_", " ").replace("|", "/").lower()
    return spoken[:1].upper() + spoken[1:]


def day(value: Any) -> str:
    """The date part of an ISO date or timestamp."""
    return MISSING if not value else str(value)[:10]


def bold(value: str) -> str:
    return f"**{value}**"


def table_line(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def table(
    headers: Sequence[str],
    rows: Sequence[Row],
    cells: Callable[[Row], Sequence[str]],
    *,
    right: Sequence[int] = (),
) -> list[str]:
    """A Markdown table of at most MAX_TABLE_ROWS rows; `right` are right-aligned columns."""
    rules = ["---:" if index in right else "---" for index in range(len(headers))]
    lines = [table_line(headers), table_line(rules)]
    lines += [table_line(cells(row)) for row in rows[:MAX_TABLE_ROWS]]
    if len(rows) > MAX_TABLE_ROWS:
        lines += ["", f"... and {len(rows) - MAX_TABLE_ROWS} more rows (see the facts)."]
    return lines


def bullets(items: Iterable[str]) -> list[str]:
    return [f"- {item}" for item in items]
