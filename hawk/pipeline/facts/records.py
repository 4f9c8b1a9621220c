"""Typed access to extracted records: columns read as Decimal, text or dates.

Records arrive as dicts keyed by column name (sources.py), usually with Decimal and date values
straight from the database; these readers also accept the plain strings and integers a cache or
a test may hold, so the arithmetic downstream only ever sees Decimal.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

Record = Mapping[str, Any]
Records = Mapping[str, Sequence[Record]]

ZERO = Decimal("0")


_DIGITS = re.compile(r"(\d+)")


def source_records(records: Records, source: str) -> Sequence[Record]:
    """The records of one source; a source the plan did not read gives no records."""
    return records.get(source) or ()


def of_currency(records: Sequence[Record], currency: str) -> list[Record]:
    """The records of the currency; records without a currency column are taken as already
    filtered by the plan (summed sources group by entity and NAV only)."""
    return [record for record in records if code_of(record, "currency_code") in (None, currency)]


def decimal_of(record: Record, column: str) -> Decimal | None:
    """The column as a Decimal, None when null or blank."""
    value = record.get(column)
    if isinstance(value, Decimal):
        return value  # the database's own type, by far the most common: checked first
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"{column} holds a boolean, not an amount")
    # str() first: a stray float becomes its shortest repr, never its binary expansion.
    return Decimal(str(value))


def amount_of(record: Record, column: str) -> Decimal:
    """The column as a Decimal amount, 0 when null."""
    value = record.get(column)
    if isinstance(value, Decimal):
        return value  # as decimal_of, without a second call for the common case
    value = decimal_of(record, column)
    return ZERO if value is None else value


def text_of(record: Record, column: str) -> str | None:
    """The column as stripped text, None when null or blank (a blank means "not set")."""
    value = record.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def code_of(record: Record, column: str) -> str | None:
    """A code column (currency, NAV type, pair) compared case-insensitively: upper case.
    text_of's reading inlined: codes are read for nearly every record."""
    value = record.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text.upper() if text else None


def date_of(record: Record, column: str) -> datetime.date | None:
    value = record.get(column)
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def is_yes(record: Record, column: str) -> bool:
    """A Y/N flag column (booleans are accepted too)."""
    value = record.get(column)
    if isinstance(value, bool):
        return value
    return (text_of(record, column) or "").upper() == "Y"


def id_order(record: Record, column: str) -> tuple[str | int, ...]:
    """A sort key for a HAWK text id that orders its numbers as numbers (BUF-9 before BUF-10,
    "2" before "10"); text and digit runs alternate, so keys always compare."""
    text = "" if record.get(column) is None else str(record[column])
    return tuple(int(part) if index % 2 else part for index, part in enumerate(_DIGITS.split(text)))
