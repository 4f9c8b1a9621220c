"""Write every HAWK table as a bundle: a JSON file, or a folder of CSVs with a manifest.

Values are written as the HAWK database writes them: JSON as `row_to_json` does, CSV as
`COPY ... CSV HEADER` does (t/f, an empty field for NULL, a quoted "" for an empty string).
The output is canonical (tables in load order, rows by primary key, amounts with their
column's decimal places, timestamps in UTC without a zone) so exporting what an export loaded
gives the same bytes.
"""

import datetime
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db import models

from hawk.bundles.reader import MANIFEST
from hawk.bundles.tables import BUNDLE_FORMAT, LOAD_ORDER, columns_of, table_name
from hawk.models import BusinessDate

CHUNK_SIZE = 2000
_NEEDS_QUOTES = (",", '"', "\n", "\r")

Formatter = Callable[[Any], Any]


def export_bundle(path: Path) -> dict[str, int]:
    """Rows written per table. A path ending in .json is a JSON bundle; anything else is a
    folder (created if needed) of <table>.csv files plus manifest.json."""
    header = _bundle_header()
    if path.suffix.lower() == ".json":
        return _write_json(path, header)
    return _write_folder(path, header)


def _bundle_header() -> dict[str, str]:
    header = {"format": BUNDLE_FORMAT}
    stored = BusinessDate.objects.values_list("business_date", flat=True).first()
    if stored is not None:
        header["business_date"] = stored.isoformat()
    return header


def json_formatter(field: models.Field) -> Formatter:
    """A stored value (never None) as row_to_json writes it."""
    if isinstance(field, models.ForeignKey):
        return json_formatter(field.target_field)
    if isinstance(field, models.DecimalField):
        return lambda value: f"{value:.{field.decimal_places}f}"
    if isinstance(field, models.DateTimeField):
        return lambda value: _timestamp(value, "T")
    if isinstance(field, models.DateField | models.TimeField):
        return _postgres_time_text
    return lambda value: value


def _csv_formatter(field: models.Field) -> Formatter:
    """A stored value (never None) as COPY ... CSV writes it, before quoting."""
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, ensure_ascii=False)
    if isinstance(field, models.BooleanField):
        return lambda value: "t" if value else "f"
    if isinstance(field, models.DateTimeField):
        return lambda value: _timestamp(value, " ")
    as_json = json_formatter(field)
    return lambda value: str(as_json(value))


def _timestamp(value: datetime.datetime, separator: str) -> str:
    """A HAWK `timestamp` (no zone): the UTC wall time."""
    wall_time = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return _postgres_time_text(wall_time).replace("T", separator)


def _postgres_time_text(value: datetime.date | datetime.time) -> str:
    """ISO text with fractional seconds as Postgres prints them: no trailing zeros."""
    text = value.isoformat()
    return text.rstrip("0").rstrip(".") if "." in text else text


def _table_rows(model: type[models.Model], formatters: list[Formatter]) -> Iterator[list[Any]]:
    fields = list(columns_of(model).values())
    stored = model._base_manager.order_by("pk").values_list(*(f.attname for f in fields))
    for values in stored.iterator(chunk_size=CHUNK_SIZE):
        yield [
            None if value is None else format_value(value)
            for format_value, value in zip(formatters, values, strict=True)
        ]


def _write_json(path: Path, header: dict[str, str]) -> dict[str, int]:
    """One row per line, so large bundles stay readable and diffable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    with path.open("w", encoding="utf-8") as out:
        out.write("{\n")
        for key, value in header.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value)},\n")
        out.write(' "tables": {')
        for index, model in enumerate(LOAD_ORDER):
            out.write(f"{',' if index else ''}\n  {json.dumps(table_name(model))}: [")
            counts[table_name(model)] = _write_json_rows(out, model)
        out.write("\n }\n}\n")
    return counts


def _write_json_rows(out: IO[str], model: type[models.Model]) -> int:
    columns = columns_of(model)
    formatters = [json_formatter(field) for field in columns.values()]
    count = 0
    for values in _table_rows(model, formatters):
        row = json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False)
        out.write(f"{',' if count else ''}\n   {row}")
        count += 1
    out.write("\n  ]" if count else "]")
    return count


def _write_folder(path: Path, header: dict[str, str]) -> dict[str, int]:
    path.mkdir(parents=True, exist_ok=True)
    (path / MANIFEST).write_text(json.dumps(header, indent=2) + "\n", encoding="utf-8")
    return {
        table_name(model): _write_csv(path / f"{table_name(model)}.csv", model)
        for model in LOAD_ORDER
    }


def _write_csv(path: Path, model: type[models.Model]) -> int:
    columns = columns_of(model)
    formatters = [_csv_formatter(field) for field in columns.values()]
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_copy_line(list(columns)))
        for values in _table_rows(model, formatters):
            out.write(_copy_line(values))
            count += 1
    return count


def _copy_line(cells: list[Any]) -> str:
    return ",".join(_copy_cell(cell) for cell in cells) + "\n"


def _copy_cell(cell: str | None) -> str:
    """COPY's CSV quoting: NULL is an empty field, so an empty string is quoted; a value with
    a comma, a quote or a line break is quoted with its quotes doubled."""
    if cell is None:
        return ""
    if cell == "" or any(special in cell for special in _NEEDS_QUOTES):
        return '"' + cell.replace('"', '""') + '"'
    return cell
