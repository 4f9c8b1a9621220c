"""The baseline the earlier system amounted to: read each table whole, one after another, and
filter, pick the latest rows and sum in Python. Same plan, same records out, no SQL smarts."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

from hawk.pipeline.extract import Extraction, SourceResult, _value_args
from hawk.pipeline.plan import Plan, SourceRead
from hawk.sources import SourceSpec, source_spec


def _comparable(value: Any, sample: Any) -> Any:
    if isinstance(value, str) and isinstance(sample, datetime.datetime):
        return parse_datetime(value)
    if isinstance(value, str) and isinstance(sample, datetime.date):
        return parse_date(value)
    return value


def _matches(row: dict[str, Any], key: str, value: Any) -> bool:
    column, _, lookup = key.partition("__")
    actual = row.get(column)
    if lookup == "in":
        return actual in value
    if lookup == "in_or_null":
        return actual is None or actual in value
    if actual is None:
        return False
    if lookup in ("lte", "lt", "gte"):
        bound = _comparable(value, actual)
        return {"lte": actual <= bound, "lt": actual < bound, "gte": actual >= bound}[lookup]
    if lookup == "range":
        low, high = (_comparable(v, actual) for v in value)
        return low <= actual <= high
    return actual == value


def _all_rows(spec: SourceSpec) -> list[dict[str, Any]]:
    needed = set(spec.columns) | set(spec.filterable) | set(spec.group_by)
    needed |= {key.partition("__")[0] for key in spec.fixed_filters}
    needed = {name for name in needed if "__" not in name}
    if spec.shape == "latest":
        needed.add(spec.date_field)
    plain, renamed = _value_args(spec, sorted(needed))
    return list(spec.model._default_manager.values(*plain, **renamed))


def naive_read(read: SourceRead) -> list[dict[str, Any]]:
    spec = source_spec(read.name)
    filters = {**spec.fixed_filters, **read.filters}
    rows = [r for r in _all_rows(spec) if all(_matches(r, k, v) for k, v in filters.items())]
    if spec.shape == "latest":
        newest: dict[tuple, dict[str, Any]] = {}
        for row in rows:
            key = tuple(row[c] for c in spec.group_by)
            if key not in newest or row[spec.date_field] > newest[key][spec.date_field]:
                newest[key] = row
        rows = list(newest.values())
    elif spec.shape == "sum":
        totals: dict[tuple, Decimal] = defaultdict(Decimal)
        for row in rows:
            totals[tuple(row[c] for c in spec.group_by)] += row[spec.sum_field]
        rows = [
            dict(zip(spec.group_by, key, strict=True), **{spec.sum_field: total})
            for key, total in totals.items()
        ]
    return [{column: row.get(column) for column in spec.columns} for row in rows]


def naive_extract(plan: Plan, *, use_cache: bool = True) -> Extraction:
    """`use_cache` is accepted for the extractor signature and ignored: no cache here."""
    import time

    started = time.perf_counter()
    results = {}
    for read in plan.sources:
        begun = time.perf_counter()
        records = naive_read(read)
        results[read.name] = SourceResult(
            read.name, records, (time.perf_counter() - begun) * 1000, "miss"
        )
    return Extraction(results, (time.perf_counter() - started) * 1000)
