"""The check constraints of a row, judged in Python with messages that name the values:
"Warning level 2,300,000,000 must be at most critical level 2,270,000,000." rather than
Django's "Constraint “threshold_levels_ascending” is violated.". The database keeps the
constraints; this is what a person editing the row reads first (HawkTable.clean).

Only what the HAWK tables use is understood: comparisons (lt, lte, gt, gte) of a column
against a constant or another column, joined by AND."""

import datetime
import operator
from collections.abc import Callable, Iterator
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.text import capfirst

from hawk.web.numbers import number_text

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
WORDS = {"lt": "below", "lte": "at most", "gt": "more than", "gte": "at least"}
DAY_WORDS = {"lt": "before", "lte": "on or before", "gt": "after", "gte": "on or after"}


def _leaves(condition: Q) -> Iterator[tuple[str, Any]]:
    if condition.connector != Q.AND or condition.negated:
        return  # not one of ours: the database judges it
    for child in condition.children:
        if isinstance(child, Q):
            yield from _leaves(child)
        elif isinstance(child, tuple):
            yield child[0], child[1]


def _shown(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):
        return number_text(value)
    return str(value)


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # constraints name concrete columns
    return field


def _label(model: type[models.Model], name: str) -> str:
    return str(_field(model, name).verbose_name)


def _message(
    model: type[models.Model], name: str, comparison: str, other: Any, expected: Any, value: Any
) -> str:
    subject = f"{capfirst(_label(model, name))} {_shown(value)}"
    if isinstance(other, F):
        words = DAY_WORDS if isinstance(value, datetime.date) else WORDS
        bound = f"{_label(model, other.name)} {_shown(expected)}"
        return f"{subject} must be {words[comparison]} {bound}."
    if comparison == "gte" and expected == 0:
        return f"{subject} must not be negative."
    return f"{subject} must be {WORDS[comparison]} {_shown(expected)}."


def _value(row: models.Model, name: str) -> Any:
    return getattr(row, _field(type(row), name).attname)


def rule_problems(row: models.Model) -> dict[str, list[str]]:
    """Each broken check constraint of `row`, by the first field it names. A NULL passes, as
    in SQL: an absent limit is no limit."""
    model = type(row)
    problems: dict[str, list[str]] = {}
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        if not isinstance(constraint.condition, Q):
            continue  # an expression: the database judges it
        for lookup, other in _leaves(constraint.condition):
            name, _, comparison = lookup.partition("__")
            if comparison not in COMPARE:
                continue
            value = _value(row, name)
            expected = _value(row, other.name) if isinstance(other, F) else other
            if value is None or expected is None or COMPARE[comparison](value, expected):
                continue
            message = _message(model, name, comparison, other, expected, value)
            problems.setdefault(name, []).append(message)
    return problems
