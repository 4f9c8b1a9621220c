"""Bundle cells to typed values: one parser per column, built once and applied to every row."""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import connection, models

from hawk.bundles.tables import is_daterange
from hawk.models.fields import HawkIdField, KnownValuesField
from hawk.web.inputs import (
    CONTROL_PROBLEM,
    DATE_PROBLEM,
    date_within_bounds,
    has_control_characters,
)


class BadValue(Exception):
    """The cell cannot become a value of its column; the message is the reason shown."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


# A cell that means "use the column's default": an empty CSV cell of a column with a default,
# or no id (a text id's default is the table's next one).
MISSING: Any = _Missing()

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Postgres's text of a non-empty daterange; a bound may be open ("[2026-01-01,)").
_DATERANGE = re.compile(r"[\[(](?P<lower>[^,]*),(?P<upper>[^\])]*)[\])]")
# The forms people have for a yes/no: JSON booleans, Postgres bool text (t/f), Y/N, 1/0.
_TRUE = {"true", "t", "y", "yes", "1"}
_FALSE = {"false", "f", "n", "no", "0"}
_TRUTH_FORMS = "true/false, t/f, Y/N, yes/no, 1/0"


@dataclass(frozen=True)
class ColumnParser:
    attname: str
    parse: Callable[[Any], Any]


def column_parser(field: models.Field, *, from_text: bool) -> ColumnParser:
    """The parser of one column. `from_text` is true for CSV, where a cell is a string, or
    None for an unquoted empty field (COPY's NULL); a quoted empty field is an empty string."""
    convert = _converter(field, from_text=from_text)
    allowed = _strict_choices(field)
    # A flag is char(1) in the HAWK database, but blank there means no answer (NULL), not text.
    text_field = isinstance(field, models.CharField | models.TextField) and not _is_flag(field)
    generated_key = field.primary_key and isinstance(field, HawkIdField)

    def parse(value: Any) -> Any:
        if generated_key and value in (None, ""):
            return MISSING  # the next id in the table's style is given on write
        if value is None:
            return _empty(field, text_field) if from_text else _null(field)
        if isinstance(value, str) and not value.strip() and not text_field:
            return _empty(field, text_field)
        typed = convert(value)
        if allowed is not None and typed not in allowed:
            raise BadValue(f"bad choice {typed!r} (allowed: {_listed(allowed)})")
        return typed

    return ColumnParser(field.attname, parse)


def _strict_choices(field: models.Field) -> set[Any] | None:
    """Choices a value must be one of. A KnownValuesField is free text in the HAWK database:
    its unknown values are kept (validation warns about them)."""
    if not field.choices or isinstance(field, KnownValuesField):
        return None
    return {choice for choice, _ in field.flatchoices}


def _listed(choices: set[Any]) -> str:
    return ", ".join(sorted(str(choice) for choice in choices))


def _null(field: models.Field) -> None:
    if field.null:
        return None
    raise BadValue("may not be null")


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
        return _truth
    if isinstance(field, models.IntegerField):
        return _integer_converter(field)
    if isinstance(field, models.DateTimeField):
        return _datetime
    if isinstance(field, models.DateField):
        return _date
    if isinstance(field, models.TimeField):
        return _time
    if isinstance(field, models.JSONField):
        return _json_text if from_text else _json_value
    if _is_flag(field):
        return _flag
    if is_daterange(field):
        return _daterange_converter(_text_converter(field))
    return _text_converter(field)


def _is_flag(field: models.Field) -> bool:
    """A HAWK char Y/N column (stored as 'Y' or 'N')."""
    return {choice for choice, _ in field.flatchoices} == {"Y", "N"}


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
        if has_control_characters(text):
            raise BadValue(CONTROL_PROBLEM)
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


def _truth(value: Any) -> bool:
    """A HAWK bool (or a flag) in any of the forms people have."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(f"not a boolean: {value!r} ({_TRUTH_FORMS})")


def _flag(value: Any) -> str:
    return "Y" if _truth(value) else "N"


Day = TypeVar("Day", datetime.date, datetime.datetime)


def _date(value: Any) -> datetime.date:
    """YYYY-MM-DD, or a timestamp whose day is kept (a date column exported as a timestamp)."""
    return _within_bounds(_any_date(value))


def _any_date(value: Any) -> datetime.date:
    text = value.strip() if isinstance(value, str) else ""
    try:
        if _DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
        if _DATE.match(text):
            return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    raise BadValue(f"not a date (YYYY-MM-DD): {value!r}")


def _within_bounds(day: Day) -> Day:
    if not date_within_bounds(day):
        raise BadValue(DATE_PROBLEM)
    return day


def _datetime(value: Any) -> datetime.datetime:
    """A HAWK `timestamp` (no zone: UTC), as row_to_json (`T`) or COPY (a space) writes it;
    one with a zone is converted."""
    if not isinstance(value, str):
        raise BadValue(f"not a date and time (ISO 8601): {value!r}")
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(f"not a date and time (ISO 8601): {value!r}") from None
    return _within_bounds(moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC))


def _time(value: Any) -> datetime.time:
    if not isinstance(value, str):
        raise BadValue(f"not a time (HH:MM:SS): {value!r}")
    try:
        moment = datetime.time.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(f"not a time (HH:MM:SS): {value!r}") from None
    if moment.tzinfo is not None:
        raise BadValue(f"not a time without a zone (HH:MM:SS): {value!r}")
    return moment


def _daterange_converter(as_text: Callable[[Any], str]) -> Callable[[Any], str]:
    """Kept as Postgres writes it ("[2026-01-01,2027-01-01)"): checked, never rewritten, so an
    export gives back the same text."""

    def convert(value: Any) -> str:
        text = as_text(value)
        if not _is_daterange(text):
            raise BadValue(f"not a date range (like [2026-01-01,2027-01-01)): {value!r}")
        return text

    return convert


def _is_daterange(text: str) -> bool:
    if text == "empty":
        return True
    match = _DATERANGE.fullmatch(text)
    if match is None:
        return False
    try:
        lower, upper = (_range_bound(match[side]) for side in ("lower", "upper"))
    except ValueError:
        return False
    return lower is None or upper is None or lower <= upper


def _range_bound(bound: str) -> datetime.date | None:
    """A bound's day; None when the range is open on that side (empty, or +-infinity)."""
    bound = bound.strip('"')
    if bound in ("", "infinity", "-infinity"):
        return None
    return datetime.date.fromisoformat(bound)


def _json_text(value: Any) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        raise BadValue(f"not JSON: {value!r}") from None


def _json_value(value: Any) -> Any:
    """JSON numbers of a bundle are read as Decimal; a JSON column stores plain JSON."""
    return json.loads(json.dumps(value, default=float))
