"""A stored row as the API shows it: HAWK column names, values as `row_to_json` writes them
(amounts as strings with the column's places, dates as ISO text): the bundle export's shape."""

from typing import Any

from django.db import models

from hawk.bundles.export import json_formatter
from hawk.bundles.tables import columns_of


class RowFormat:
    """Formats rows of one model; built once per request, applied to every row."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = list(columns_of(model).values())
        self.columns = [field.column for field in fields]
        self.attnames = [field.attname for field in fields]
        self._formatters = [json_formatter(field) for field in fields]

    def values(self, values: tuple[Any, ...]) -> dict[str, Any]:
        return {
            column: None if value is None else format_value(value)
            for column, format_value, value in zip(
                self.columns, self._formatters, values, strict=True
            )
        }

    def instance(self, instance: models.Model) -> dict[str, Any]:
        return self.values(tuple(getattr(instance, name) for name in self.attnames))
