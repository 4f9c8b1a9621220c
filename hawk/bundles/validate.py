"""Judge a raw bundle: typed values for every row, or every error at once (nothing is written).

Checks use sets built once per table (one query per referenced table at most), never a query
per row, so a bundle of a few hundred thousand rows is judged in seconds.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from hawk.bundles import constraints
from hawk.bundles.errors import BundleError, BundleRejected, BundleWarning
from hawk.bundles.reader import RawBundle, RawTable
from hawk.bundles.tables import (
    BUNDLE_FORMAT,
    MODEL_OF_TABLE,
    TABLE_NAMES,
    columns_of,
    is_required,
    known_value_fields,
    references_of,
    referencing_fields,
)
from hawk.bundles.values import MISSING, BadValue, ColumnParser, column_parser

BUNDLE = "bundle"  # the "table" named by errors about the bundle as a whole


@dataclass
class TypedRow:
    number: int
    values: dict[str, Any]  # by attname, defaults filled in; an auto key may be absent


@dataclass
class TypedTable:
    model: type[models.Model]
    rows: list[TypedRow]

    @property
    def name(self) -> str:
        return self.model._meta.db_table


@dataclass
class TypedBundle:
    tables: list[TypedTable]  # in load order
    business_date: datetime.date | None
    warnings: list[BundleWarning]


def validate_bundle(raw: RawBundle, *, replace: bool) -> TypedBundle:
    """The typed bundle with its warnings, or BundleRejected carrying every error found.
    `replace` matters for references: with it, the bundle's tables are emptied first, so only
    its rows count."""
    errors = list(raw.errors)
    business_date = _bundle_header(raw, errors)
    tables = _typed_tables(raw, errors)
    for table in tables:
        _check_primary_keys(table, errors)
    _check_references(tables, errors, replace=replace)
    for table in tables:
        constraints.check_table(table.model, table.rows, errors, replace=replace)
    if replace:
        _check_kept_references(tables, errors)
    if errors:
        raise BundleRejected(_in_reading_order(errors))
    return TypedBundle(tables, business_date, _unknown_values(tables))


def _bundle_header(raw: RawBundle, errors: list[BundleError]) -> datetime.date | None:
    if raw.format not in (None, BUNDLE_FORMAT):
        reason = f"unknown format {raw.format!r} (expected {BUNDLE_FORMAT!r})"
        errors.append(BundleError(BUNDLE, None, "format", reason))
    if raw.business_date is None:
        return None
    try:
        return datetime.date.fromisoformat(str(raw.business_date))
    except ValueError:
        reason = f"not a date (YYYY-MM-DD): {raw.business_date!r}"
        errors.append(BundleError(BUNDLE, None, "business_date", reason))
        return None


def _typed_tables(raw: RawBundle, errors: list[BundleError]) -> list[TypedTable]:
    for name in raw.tables:
        if name not in MODEL_OF_TABLE:
            reason = f"unknown table (known: {', '.join(TABLE_NAMES)})"
            errors.append(BundleError(name, None, None, reason))
    return [
        _typed_table(model, raw.tables[name], errors)
        for name, model in MODEL_OF_TABLE.items()
        if name in raw.tables
    ]


def _typed_table(model: type[models.Model], raw: RawTable, errors: list[BundleError]) -> TypedTable:
    columns = columns_of(model)
    present = set(raw.header) if raw.header is not None else _json_columns(raw.rows)
    _check_columns(raw, columns, present, errors)
    parsers = {
        column: column_parser(columns[column], from_text=raw.from_text)
        for column in present
        if column in columns
    }
    required = [column for column, field in columns.items() if is_required(field)]
    defaulted = [
        field for field in columns.values() if not is_required(field) and not field.primary_key
    ]
    rows = [
        _typed_row(raw, number, cells, parsers, required, errors)
        for number, cells in enumerate(raw.rows, start=1)
        if isinstance(cells, dict)  # the reader reported the others
    ]
    for row in rows:
        for field in defaulted:
            if field.attname not in row.values:
                row.values[field.attname] = field.get_default()
    return TypedTable(model, rows)


def _json_columns(rows: list[Any]) -> set[str]:
    return set().union(*(row.keys() for row in rows if isinstance(row, dict)))


def _check_columns(
    raw: RawTable,
    columns: dict[str, models.Field],
    present: set[str],
    errors: list[BundleError],
) -> None:
    """Unknown columns are reported once per table (at the first row that carries one);
    a required column missing from a CSV header once for the header."""
    for column in sorted(present - set(columns)):
        first = None if raw.from_text else _first_row_with(raw.rows, column)
        reason = f"unknown column (known: {', '.join(columns)})"
        errors.append(BundleError(raw.name, first, column, reason))
    if raw.from_text:
        for column, field in columns.items():
            if is_required(field) and column not in present:
                errors.append(BundleError(raw.name, None, column, "missing required column"))


def _first_row_with(rows: list[Any], column: str) -> int | None:
    found = (n for n, row in enumerate(rows, start=1) if isinstance(row, dict) and column in row)
    return next(found, None)


def _typed_row(
    raw: RawTable,
    number: int,
    cells: dict[str, Any],
    parsers: dict[str, ColumnParser],
    required: list[str],
    errors: list[BundleError],
) -> TypedRow:
    values = {}
    for column, cell in cells.items():
        parser = parsers.get(column)
        if parser is None:
            continue  # an unknown column, reported once for the table
        try:
            value = parser.parse(cell)
        except BadValue as bad:
            errors.append(BundleError(raw.name, number, column, str(bad)))
            continue
        if value is not MISSING:
            values[parser.attname] = value
    if not raw.from_text:  # a CSV header lacking a column was reported once, for the header
        for column in required:
            if column not in cells:
                errors.append(BundleError(raw.name, number, column, "missing required column"))
    return TypedRow(number, values)


def _unknown_values(tables: list[TypedTable]) -> list[BundleWarning]:
    """Statuses and types the product does not know: free text in the HAWK database, so they
    are kept, and each is named so that someone can tell the product about it."""
    warnings = []
    for table in tables:
        for field in known_value_fields(table.model):
            known = {choice for choice, _ in field.flatchoices}
            listed = ", ".join(sorted(known))
            for row in table.rows:
                value = row.values.get(field.attname)
                if value is not None and value not in known:
                    reason = f"unknown value {value!r} kept (known: {listed})"
                    warnings.append(BundleWarning(table.name, row.number, field.column, reason))
    return warnings


def _check_primary_keys(table: TypedTable, errors: list[BundleError]) -> None:
    pk = table.model._meta.pk
    assert pk is not None
    first_row: dict[Any, int] = {}
    for row in table.rows:
        key = row.values.get(pk.attname)
        if key is None:
            continue
        if key in first_row:
            reason = f"duplicate primary key {key!r} (first in row {first_row[key]})"
            errors.append(BundleError(table.name, row.number, pk.column, reason))
        else:
            first_row[key] = row.number


def bundle_keys(table: TypedTable) -> set[Any]:
    attname = table.model._meta.pk.attname
    return {row.values[attname] for row in table.rows if row.values.get(attname) is not None}


def _check_references(
    tables: list[TypedTable], errors: list[BundleError], *, replace: bool
) -> None:
    known = _KnownKeys(tables, replace=replace)
    for table in tables:
        for reference in references_of(table.model):
            target = reference.related_model
            keys = known.of(target)  # type: ignore[arg-type]
            for row in table.rows:
                value = row.values.get(reference.attname)
                if value is not None and value not in keys:
                    reason = f"unknown reference {value!r} (no such {_table_and_key(target)})"
                    errors.append(BundleError(table.name, row.number, reference.column, reason))


def _table_and_key(model: Any) -> str:
    return f"{model._meta.db_table}.{model._meta.pk.column}"


class _KnownKeys:
    """The keys a reference may point at once the bundle is loaded: the bundle's rows, plus
    the stored rows unless `--replace` empties the target table first."""

    def __init__(self, tables: list[TypedTable], *, replace: bool) -> None:
        self._bundle = {table.model: table for table in tables}
        self._replace = replace
        self._known: dict[type[models.Model], set[Any]] = {}

    def of(self, model: type[models.Model]) -> set[Any]:
        if model not in self._known:
            self._known[model] = self._compute(model)
        return self._known[model]

    def _compute(self, model: type[models.Model]) -> set[Any]:
        table = self._bundle.get(model)
        keys = bundle_keys(table) if table else set()
        if table and self._replace:
            return keys
        return keys | set(model._base_manager.values_list("pk", flat=True))


def _check_kept_references(tables: list[TypedTable], errors: list[BundleError]) -> None:
    """`--replace` deletes every stored row of the bundle's tables; rows of other tables must
    not be left pointing at a row the bundle does not bring back."""
    in_bundle = {table.model for table in tables}
    for table in tables:
        keys = bundle_keys(table)
        for reference in referencing_fields(table.model):
            if reference.model in in_bundle:
                continue
            lost = _stored_references(reference) - keys
            if lost:
                errors.append(BundleError(table.name, None, None, _kept_reason(reference, lost)))


def _stored_references(reference: models.ForeignKey) -> set[Any]:
    stored = reference.model._base_manager.exclude(**{f"{reference.attname}__isnull": True})
    return set(stored.values_list(reference.attname, flat=True).distinct())


def _kept_reason(reference: models.ForeignKey, lost: set[Any]) -> str:
    shown = ", ".join(repr(key) for key in sorted(lost, key=str)[:5])
    source = f"{reference.model._meta.db_table}.{reference.column}"
    return (
        f"--replace would delete rows still referenced by {source} ({shown}); "
        "add that table to the bundle or load without --replace"
    )


def _in_reading_order(errors: Iterable[BundleError]) -> list[BundleError]:
    """Bundle-wide errors first, then by table in load order and by row (stable otherwise)."""
    position = {name: index for index, name in enumerate(TABLE_NAMES)}
    return sorted(errors, key=lambda error: (position.get(error.table, -1), error.row or 0))
