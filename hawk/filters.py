"""The lookups of a plan filter: each one's ORM translation and the same test on a record."""

import datetime
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

# Filter values arrive as JSON (dates as ISO text) and the ORM converts them with the column's
# field before comparing; in memory the field is chosen by the record value's type, so both
# select the same rows (tests/hawk/test_filters.py). Subclasses first: bool is an int,
# datetime a date.
_FIELDS: tuple[tuple[type, models.Field], ...] = (
    (bool, models.BooleanField()),
    (int, models.IntegerField()),
    (float, models.FloatField()),
    (Decimal, models.DecimalField()),
    (datetime.datetime, models.DateTimeField()),
    (datetime.date, models.DateField()),
    (datetime.time, models.TimeField()),
    (str, models.CharField()),
)

Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class FilterLookup:
    """`query(path, value)` is the ORM condition; `holds(record value, value)` the same test."""

    query: Callable[[str, Any], Q]
    holds: Predicate


def _prepared(expected: Any, value: Any) -> Any:
    """The filter value as the database compares it with `value` (never None): ISO text
    becomes a date, "5" a Decimal, as get_prep_value does for the column."""
    for kind, field in _FIELDS:
        if isinstance(value, kind):
            return field.get_prep_value(expected)
    return expected


def _equal(value: Any, expected: Any) -> bool:
    if expected is None:  # the ORM reads `exact=None` as IS NULL
        return value is None
    return value is not None and value == _prepared(expected, value)


def _among(value: Any, expected: Any) -> bool:
    # SQL's IN never matches NULL, not even with None in the list.
    return value is not None and value in [_prepared(item, value) for item in expected]


def _compared(test: Callable[[Any, Any], bool]) -> Predicate:
    # A comparison with NULL is never true in SQL.
    return lambda value, expected: value is not None and test(value, _prepared(expected, value))


def _between(value: Any, expected: Any) -> bool:
    if value is None:
        return False
    low, high = (_prepared(bound, value) for bound in expected)
    return low <= value <= high


def _is_null(value: Any, expected: Any) -> bool:
    return (value is None) == expected


def _or_null(test: Predicate) -> Predicate:
    return lambda value, expected: value is None or test(value, expected)


def _orm(lookup: str) -> Callable[[str, Any], Q]:
    return lambda path, value: Q(**{f"{path}__{lookup}": value})


def _orm_or_null(lookup: str) -> Callable[[str, Any], Q]:
    return lambda path, value: _orm(lookup)(path, value) | Q(**{f"{path}__isnull": True})


# `in_or_null` and `lte_or_null` also match NULL: configuration rows whose null column means
# "applies to all" (a currency) or "always" (an effective date).
FILTER_LOOKUPS: dict[str, FilterLookup] = {
    "exact": FilterLookup(lambda path, value: Q(**{path: value}), _equal),
    "in": FilterLookup(_orm("in"), _among),
    "lt": FilterLookup(_orm("lt"), _compared(operator.lt)),
    "lte": FilterLookup(_orm("lte"), _compared(operator.le)),
    "gte": FilterLookup(_orm("gte"), _compared(operator.ge)),
    "range": FilterLookup(_orm("range"), _between),
    "isnull": FilterLookup(_orm("isnull"), _is_null),
    "in_or_null": FilterLookup(_orm_or_null("in"), _or_null(_among)),
    "lte_or_null": FilterLookup(_orm_or_null("lte"), _or_null(_compared(operator.le))),
}


def filter_lookup(key: str) -> tuple[str, FilterLookup]:
    """The column a filter key names and its lookup (plain `column` is exact)."""
    column, _, name = key.partition("__")
    try:
        return column, FILTER_LOOKUPS[name or "exact"]
    except KeyError:
        raise ValueError(f"unknown lookup {name!r} in filter {key!r}") from None


def record_matches(record: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """Whether a record (a dict keyed by column name, values as the database returns them)
    passes every filter (`column` or `column__lookup`); a column it lacks reads as NULL."""
    for key, expected in filters.items():
        column, lookup = filter_lookup(key)
        if not lookup.holds(record.get(column), expected):
            return False
    return True
