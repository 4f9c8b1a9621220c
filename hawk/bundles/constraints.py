"""The models' unique and check constraints, judged in Python so a bundle fails before writing.

Conditions are compiled once per constraint into a predicate over a row's values. Only plain
comparisons (exact, gt, gte, lt, lte against a value or an F()) are understood; a constraint
using anything else is left to the database, whose error is reported at write time.
"""

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q

from hawk.bundles.errors import BundleError

# True, False, or None for SQL's "unknown" (a comparison with NULL).
Predicate = Callable[[dict[str, Any]], bool | None]

_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class _Unsupported(Exception):
    """A condition this module does not evaluate; the database will."""


class Row(Protocol):
    number: int
    values: dict[str, Any]


@dataclass(frozen=True)
class _UniqueSet:
    name: str
    fields: tuple[models.Field, ...]
    condition: Q | None


def check_table(
    model: type[models.Model], rows: Sequence[Row], errors: list[BundleError], *, replace: bool
) -> None:
    """Report rows breaking a check constraint, or a unique one (among the bundle's rows, or
    against stored rows the load keeps: without `replace`, those the bundle does not
    overwrite)."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            _check_rule(model, constraint, rows, errors)
    for unique in _unique_sets(model):
        _check_unique(model, unique, rows, errors, replace=replace)


def _check_rule(
    model: type[models.Model],
    constraint: models.CheckConstraint,
    rows: Sequence[Row],
    errors: list[BundleError],
) -> None:
    attnames: list[str] = []
    try:
        holds = _compile(constraint.condition, model, attnames)
    except _Unsupported:
        return
    column = _column_of(model, attnames[0]) if attnames else None
    for row in rows:
        if holds(row.values) is False:
            shown = ", ".join(f"{name}={row.values.get(name)}" for name in dict.fromkeys(attnames))
            reason = f"breaks the rule {constraint.name} ({shown})"
            errors.append(BundleError(model._meta.db_table, row.number, column, reason))


def _column_of(model: type[models.Model], attname: str) -> str:
    return next(f.column for f in model._meta.concrete_fields if f.attname == attname)


def _unique_sets(model: type[models.Model]) -> list[_UniqueSet]:
    options = model._meta
    sets = [
        _UniqueSet(field.name, (field,), None)
        for field in options.concrete_fields
        if field.unique and not field.primary_key
    ]
    for constraint in options.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            fields = tuple(options.get_field(name) for name in constraint.fields)
            sets.append(_UniqueSet(constraint.name, fields, constraint.condition))  # type: ignore[arg-type]
    for names in options.unique_together:
        fields = tuple(options.get_field(name) for name in names)
        sets.append(_UniqueSet("unique_together", fields, None))  # type: ignore[arg-type]
    return sets


def _check_unique(
    model: type[models.Model],
    unique: _UniqueSet,
    rows: Sequence[Row],
    errors: list[BundleError],
    *,
    replace: bool,
) -> None:
    try:
        applies = _compile(unique.condition, model, []) if unique.condition else None
    except _Unsupported:
        return
    attnames = [field.attname for field in unique.fields]
    holder = {} if replace else _kept_stored_keys(model, unique, rows)
    for row in rows:
        key = tuple(row.values.get(name) for name in attnames)
        if None in key or (applies and applies(row.values) is not True):
            continue  # NULLs never collide; a partial constraint covers only its rows
        if key in holder:
            reason = _duplicate_reason(unique, key, holder[key])
            column = unique.fields[0].column
            errors.append(BundleError(model._meta.db_table, row.number, column, reason))
        else:
            holder[key] = f"row {row.number}"


def _duplicate_reason(unique: _UniqueSet, key: tuple[Any, ...], holder: str) -> str:
    columns = "/".join(field.column for field in unique.fields)
    shown = "/".join(str(value) for value in key)
    return f"duplicate {columns} {shown}: same as {holder} ({unique.name})"


def _kept_stored_keys(
    model: type[models.Model], unique: _UniqueSet, rows: Sequence[Row]
) -> dict[tuple[Any, ...], str]:
    pk = model._meta.pk.attname
    overwritten = {row.values.get(pk) for row in rows}
    stored = model._base_manager.filter(unique.condition or Q())
    holder = {}
    for key, *values in stored.values_list("pk", *(f.attname for f in unique.fields)):
        if key not in overwritten:
            holder[tuple(values)] = f"the stored row {key!r}"
    return holder


def _compile(node: Any, model: type[models.Model], attnames: list[str]) -> Predicate:
    """A predicate for a Q (or one of its (lookup, value) children); `attnames` collects the
    columns the condition reads, for error messages."""
    if isinstance(node, Q):
        return _compile_q(node, model, attnames)
    lookup, expected = node
    attname, compare = _lookup(lookup, model)
    attnames.append(attname)
    if isinstance(expected, F):
        other = _attname(expected.name, model)
        attnames.append(other)
        return lambda values: _compared(compare, values.get(attname), values.get(other))
    if hasattr(expected, "resolve_expression"):
        raise _Unsupported(lookup)
    return lambda values: _compared(compare, values.get(attname), expected)


def _compile_q(q: Q, model: type[models.Model], attnames: list[str]) -> Predicate:
    parts = [_compile(child, model, attnames) for child in q.children]
    if q.connector not in (Q.AND, Q.OR):
        raise _Unsupported(q.connector)
    combine = _all if q.connector == Q.AND else _any

    def predicate(values: dict[str, Any]) -> bool | None:
        result = combine(part(values) for part in parts)
        return (not result) if q.negated and result is not None else result

    return predicate


def _lookup(lookup: str, model: type[models.Model]) -> tuple[str, Callable[[Any, Any], Any]]:
    name, _, comparison = lookup.partition("__")
    if (comparison or "exact") not in _COMPARISONS:
        raise _Unsupported(lookup)
    return _attname(name, model), _COMPARISONS[comparison or "exact"]


def _attname(name: str, model: type[models.Model]) -> str:
    try:
        return model._meta.pk.attname if name == "pk" else model._meta.get_field(name).attname  # type: ignore[union-attr]
    except FieldDoesNotExist:
        raise _Unsupported(name) from None


def _compared(compare: Callable[[Any, Any], Any], left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None  # SQL: a comparison with NULL is unknown
    return bool(compare(left, right))


def _all(results: Iterable[bool | None]) -> bool | None:
    seen = list(results)
    if False in seen:
        return False
    return None if None in seen else True


def _any(results: Iterable[bool | None]) -> bool | None:
    seen = list(results)
    if True in seen:
        return True
    return None if None in seen else False
