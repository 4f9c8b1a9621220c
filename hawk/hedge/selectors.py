"""Reads of the hedge resources: filtered, ordered lists, one row, and a row's history."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet

from hawk.bundles.values import BadValue, column_parser
from hawk.hedge.resources import HedgeResource
from hawk.hedge.rows import RowFormat
from hawk.web.errors import HawkError

# Query parameters that are not filters.
PAGING_PARAMETERS = ("page", "page_size", "ordering", "format")


def hedge_row_list(*, resource: HedgeResource, params: Mapping[str, str]) -> QuerySet:
    """The rows matching `params` (filters, ranges, ordering) as value tuples in RowFormat's
    column order. An unknown parameter or a bad value is a 400 naming the parameter."""
    rows = resource.model._default_manager.all()
    for name, text in params.items():
        if name in PAGING_PARAMETERS:
            continue
        rows = rows.filter(**_lookup(resource, name, text))
    ordering = _ordering(resource, params.get("ordering"))
    return rows.order_by(*ordering).values_list(*RowFormat(resource.model).attnames)


def _lookup(resource: HedgeResource, name: str, text: str) -> dict[str, Any]:
    if name in resource.filters:
        field = resource.filters[name]
        return {field.attname: _parsed(name, field, text)}
    column, _, bound = name.rpartition("_")
    if bound in ("from", "to") and column in resource.date_ranges:
        field = resource.date_ranges[column]
        operator = "gte" if bound == "from" else "lte"
        return {f"{field.attname}__{operator}": _parsed(name, field, text)}
    known = [*resource.filters, *(f"{c}_from" for c in resource.date_ranges)]
    raise HawkError.invalid_field(name, f"unknown filter (known: {', '.join(known)}, ordering)")


def _parsed(name: str, field: models.Field, text: str) -> Any:
    """The filter value parsed exactly like an import's CSV cell of that column."""
    try:
        value = column_parser(field, from_text=True).parse(text)
    except BadValue as bad:
        raise HawkError.invalid_field(name, str(bad)) from None
    if value is None:
        raise HawkError.invalid_field(name, "a value is required")
    return value


def _ordering(resource: HedgeResource, text: str | None) -> list[str]:
    """`ordering=col,-col`; the primary key last, so pages are stable."""
    pk = resource.model._meta.pk
    assert pk is not None
    if not text:
        return [*(str(name) for name in resource.model._meta.ordering or ()), pk.attname]
    ordering = []
    for part in text.split(","):
        column = part.strip().lstrip("-")
        if column not in resource.columns:
            raise HawkError.invalid_field("ordering", f"unknown column {column!r}")
        descending = "-" if part.strip().startswith("-") else ""
        ordering.append(descending + resource.columns[column].attname)
    return [*ordering, pk.attname]


def hedge_row_get(*, resource: HedgeResource, key: str) -> models.Model:
    try:
        return resource.model._default_manager.get(pk=key)
    except ObjectDoesNotExist:
        raise HawkError("not_found", f"no {resource.name} row {key!r}") from None


def hedge_row_history(*, resource: HedgeResource, key: str) -> list[dict[str, Any]]:
    """`[{at, user, change: {column: [before, after]}}]`, newest first: each history record
    against the one before it (the first against nothing). One query."""
    if not resource.audited:
        raise HawkError("not_found", f"{resource.name} keeps no history")
    history = resource.model.history  # type: ignore[attr-defined]
    pk = resource.model._meta.pk
    assert pk is not None
    records = history.filter(**{pk.attname: key}).select_related("history_user")
    records = list(records.order_by("history_date", "history_id"))
    if not records:
        raise HawkError("not_found", f"no history for {resource.name} row {key!r}")
    row_format = RowFormat(resource.model)
    entries, before = [], None
    for record in records:
        after = row_format.instance(record)
        if record.history_type == "-":
            after = dict.fromkeys(after)
        entries.append(_entry(record, before, after))
        before = after
    return entries[::-1]


def _entry(record: Any, before: dict | None, after: dict[str, Any]) -> dict[str, Any]:
    before = before or dict.fromkeys(after)
    change = {
        column: [before[column], value]
        for column, value in after.items()
        if before[column] != value
    }
    user = record.history_user
    return {
        "at": record.history_date.isoformat(),
        "user": user.get_username() if user else None,
        "action": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
        "reason": record.history_change_reason or "",
        "change": change,
    }
