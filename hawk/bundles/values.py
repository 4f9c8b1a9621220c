"""Bundle cells to typed values: one parser per column, built once and applied to every row."""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, models


class BadValue(Exception):
    """The cell cannot become a value of its column; the message is the reason shown."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


# A cell that means "use the column's default" (an empty CSV cell of a column with a default).
MISSING: Any = _Missing()

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"true", "y", "yes", "1"}
_FALSE = {"false", "n", "no", "0"}


@dataclass(frozen=True)
class ColumnParser:
    attname: str
    parse: Callable[[Any], Any]


def column_parser(field: models.Field, *, from_text: bool) -> ColumnParser:
    """The parser of one column. `from_text` is true for CSV, where every cell is a string and
    an empty cell means null, blank or default depending on the column."""
    convert = _converter(field, from_text=from_text)
    allowed = {choice for choice, _ in field.flatchoices} if field.choices else None
    text_field = isinstance(field, models.CharField | models.TextField)
    auto_key = field.primary_key and isinstance(field, models.AutoField)

    def parse(value: Any) -> Any:
        if auto_key and value in (None, ""):
            return MISSING  # the database numbers the row
        if value is None:
            if field.null:
                return None
            raise BadValue("may not be null")
        if value == "" and (from_text or not text_field):
            return _empty(field, text_field)
        typed = convert(value)
        if allowed is not None and typed not in allowed:
            raise BadValue(f"bad choice {typed!r} (allowed: {_listed(allowed)})")
        return typed

    return ColumnParser(field.attname, parse)


def _listed(choices: set[Any]) -> str:
    return ", ".join(sorted(str(choice) for choice in choices))


def _empty(field: models.Field, text_field: bool) -> Any:
    if field.null:
        return None
    if text_field and field.blank:
        return ""
    if field.has_default():
        return MISSING
    raise BadValue("a value is required")


def _converter(field: models.Field, *, from_text: bool) -> Callable[[Any], Any]:
    if isinstance(field, models.ForeignKey):
        return _converter(field.target_field, from_text=from_text)
    if isinstance(field, models.DecimalField):
        return _decimal_converter(field)
    if isinstance(field, models.BooleanField):
        return _boolean
    if isinstance(field, models.IntegerField):  # AutoField and the positive ones included
        return _integer_converter(field)
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.DateField):
        return _date
    if isinstance(field, models.JSONField):
        return _json_text if from_text else _json_value
    return _text_converter(field)


def _text_converter(field: models.Field) -> Callable[[Any], str]:
    limit = field.max_length

    def convert(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadValue(f"not text: {value!r}")
        text = str(value)
        if text == "" and not field.blank:
            raise BadValue("may not be blank")
        if limit is not None and len(text) > limit:
            raise BadValue(f"value too long ({len(text)} characters, at most {limit})")
        return text

    return convert


def _decimal_converter(field: models.DecimalField) -> Callable[[Any], Decimal]:
    places = field.decimal_places or 0
    whole_limit = (field.max_digits or 0) - places

    def convert(value: Any) -> Decimal:
        number = _decimal(value)
        if _places(number, places) > places:
            raise BadValue(f"too many decimal places in {value} (at most {places})")
        if max(number.adjusted() + 1, 0) > whole_limit:
            raise BadValue(f"number too large: {value} (at most {whole_limit} digits before .)")
        return number

    return convert


def _decimal(value: Any) -> Decimal:
    """Amounts may be JSON numbers (read as Decimal, never float) or strings."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValue(f"not a number: {value!r}")
    else:
        number = _parsed_decimal(value)
    if not number.is_finite():
        raise BadValue(f"not a finite number: {value!r}")
    return number


def _parsed_decimal(value: str | int | float) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise BadValue(f"not a number: {value!r}") from None


def _places(number: Decimal, allowed: int) -> int:
    """Decimal places that carry a digit (1.5000 has one). Trailing zeros are only counted
    off when there seem to be too many places, which keeps the common case cheap."""
    _, digits, exponent = number.as_tuple()
    places = -int(exponent)  # a finite number: the exponent is an int
    if places <= allowed:
        return max(places, 0)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return places - trailing_zeros


def _integer_converter(field: models.Field) -> Callable[[Any], int]:
    low, high = connection.ops.integer_field_range(field.get_internal_type())

    def convert(value: Any) -> int:
        number = _decimal(value)
        if number != number.to_integral_value():
            raise BadValue(f"not a whole number: {value!r}")
        whole = int(number)
        if (low is not None and whole < low) or (high is not None and whole > high):
            raise BadValue(f"number out of range: {value!r} (from {low} to {high})")
        return whole

    return convert


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(f"not a boolean: {value!r} (true/false, Y/N, 1/0)")


def _date(value: Any) -> datetime.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise BadValue(f"not a date (YYYY-MM-DD): {value!r}")
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(f"not a date (YYYY-MM-DD): {value!r}") from None


def _datetime(value: Any) -> datetime.datetime:
    """ISO 8601; a time without a zone is UTC."""
    if not isinstance(value, str):
        raise BadValue(f"not a date and time (ISO 8601): {value!r}")
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(f"not a date and time (ISO 8601): {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _json_text(value: Any) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        raise BadValue(f"not JSON: {value!r}") from None


def _json_value(value: Any) -> Any:
    """JSON numbers of a bundle are read as Decimal; a JSON column stores plain JSON."""
    return json.loads(json.dumps(value, default=float))
