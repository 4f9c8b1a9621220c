"""Read a bundle (a JSON file or a folder of CSVs) into raw rows, without judging the values."""

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from hawk.bundles.errors import BundleError, BundleReadError

MANIFEST = "manifest.json"

# One CSV field, quoted (a doubled quote inside stands for one) or plain, and its separator.
_CSV_FIELD = re.compile(r'("[^"]*(?:""[^"]*)*"|[^,\r\n]*)(?:,|\r?\n|$)')


@dataclass
class RawTable:
    """One table's rows as read. `header` is the CSV header; None for JSON, where each row
    names its own columns and absent columns take their defaults."""

    name: str
    rows: list[Any]  # dicts; anything else was reported in RawBundle.errors
    header: list[str] | None = None

    @property
    def from_text(self) -> bool:
        return self.header is not None


@dataclass
class RawBundle:
    tables: dict[str, RawTable]
    format: Any = None
    business_date: Any = None
    # Rows that could not be read as rows (not an object, wrong number of cells).
    errors: list[BundleError] = field(default_factory=list)


def read_bundle(path: Path) -> RawBundle:
    if path.is_dir():
        return _read_folder(path)
    if path.is_file():
        return _read_json_bundle(path)
    raise BundleReadError(f"no bundle at {path}: expected a .json file or a folder of CSVs")


def _load_json(path: Path) -> Any:
    """Numbers are read as Decimal so amounts keep every digit; NaN and Infinity become
    non-finite Decimals, which validation rejects."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return json.load(handle, parse_float=Decimal, parse_constant=Decimal)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BundleReadError(f"cannot read {path} as JSON: {exc}") from None


def _read_json_bundle(path: Path) -> RawBundle:
    document = _load_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise BundleReadError(f'{path} is not a bundle: expected an object with "tables"')
    bundle = RawBundle({}, document.get("format"), document.get("business_date"))
    for name, rows in document["tables"].items():
        if not isinstance(rows, list):
            bundle.errors.append(BundleError(name, None, None, "expected a list of rows"))
            continue
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                bundle.errors.append(BundleError(name, number, None, "row is not an object"))
        bundle.tables[name] = RawTable(name, rows)
    return bundle


def _read_folder(path: Path) -> RawBundle:
    manifest: dict[str, Any] = {}
    if (path / MANIFEST).is_file():
        manifest = _load_json(path / MANIFEST)
        if not isinstance(manifest, dict):
            raise BundleReadError(f"{path / MANIFEST} is not a JSON object")
    bundle = RawBundle({}, manifest.get("format"), manifest.get("business_date"))
    for csv_path in sorted(path.glob("*.csv")):
        bundle.tables[csv_path.stem] = _read_csv(csv_path, bundle.errors)
    if not bundle.tables:
        raise BundleReadError(f"{path} holds no <table>.csv files")
    return bundle


def _read_csv(path: Path, errors: list[BundleError]) -> RawTable:
    name = path.stem
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(_copy_records(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BundleReadError(f"cannot read {path} as CSV: {exc}") from None
    header = [(column or "").strip() for column in lines[0]] if lines else []
    for column in {column for column in header if header.count(column) > 1}:
        errors.append(BundleError(name, None, column, "column appears twice in the header"))
    rows = []
    data_lines = [cells for cells in lines[1:] if cells]  # a blank line is not a row
    for number, cells in enumerate(data_lines, start=1):
        if len(cells) != len(header):
            reason = f"row has {len(cells)} cells, the header has {len(header)}"
            errors.append(BundleError(name, number, None, reason))
        rows.append(dict(zip(header, cells, strict=False)))
    return RawTable(name, rows, header)


def _copy_records(lines: Iterable[str]) -> Iterator[list[str | None]]:
    """Records as `COPY ... CSV` means them: an unquoted empty field is NULL (None), a quoted
    one ("") an empty string. The csv module reads both as "", so a record whose text holds
    a quoted empty field is looked at again to tell them apart."""
    record_text: list[str] = []

    def remembered(lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            record_text.append(line)
            yield line

    for cells in csv.reader(remembered(lines)):
        text = "".join(record_text)
        record_text.clear()
        yield _with_nulls(cells, text)


def _with_nulls(cells: list[str], text: str) -> list[str | None]:
    """The record's cells with None for each field that was empty and unquoted."""
    if "" not in cells or '""' not in text:
        return [cell or None for cell in cells]
    quoted = [field.startswith('"') for field in _CSV_FIELD.findall(text)]
    quoted += [False] * (len(cells) - len(quoted))  # a malformed record: read as unquoted
    return [
        cell or ("" if was_quoted else None)
        for cell, was_quoted in zip(cells, quoted, strict=False)
    ]
