"""OpenAPI for the hedge resources: each route documents its own table's columns, filters
and examples (drf-spectacular's AutoSchema, told which resource the view is bound to)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from hawk.hedge.resources import HedgeResource
from hawk.web.openapi import ErrorSerializer

# Real responses of the demo data, written by tests/hawk/api/test_hedge_examples.py.
EXAMPLES = Path(__file__).resolve().parent / "examples" / "hedge.json"


def _column_field(field: models.Field, *, null: bool | None = None) -> serializers.Field:
    """`null`: a reference's own nullability (its target, a primary key, is never null)."""
    options: dict[str, Any] = {
        "required": False,
        "allow_null": field.null if null is None else null,
    }
    if isinstance(field, models.ForeignKey):
        return _column_field(field.target_field, null=field.null)
    if isinstance(field, models.BooleanField):
        return serializers.BooleanField(**options)
    if isinstance(field, models.IntegerField):
        return serializers.IntegerField(**options)
    if isinstance(field, models.JSONField):
        return serializers.JSONField(**options)
    if isinstance(field, models.DateTimeField):
        return serializers.CharField(help_text="timestamp without zone, UTC", **options)
    if isinstance(field, models.DateField):
        return serializers.DateField(**options)
    if isinstance(field, models.DecimalField):
        return serializers.CharField(help_text=f"decimal, {field.decimal_places} places", **options)
    return serializers.CharField(**options)


@cache
def row_serializer(resource: HedgeResource) -> type[serializers.Serializer]:
    fields = {column: _column_field(field) for column, field in resource.columns.items()}
    name = f"Hedge{resource.model.__name__}Row"
    return type(name, (serializers.Serializer,), fields)


@cache
def page_serializer(resource: HedgeResource) -> type[serializers.Serializer]:
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": row_serializer(resource)(many=True),
    }
    return type(f"Hedge{resource.model.__name__}Page", (serializers.Serializer,), fields)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(["created", "changed", "deleted"])
    reason = serializers.CharField()
    change = serializers.DictField(
        child=serializers.ListField(min_length=2, max_length=2, child=serializers.JSONField()),
        help_text="column -> [before, after]",
    )


@cache
def _examples() -> dict[str, Any]:
    return json.loads(EXAMPLES.read_text()) if EXAMPLES.exists() else {}


class HedgeSchema(AutoSchema):
    def _resource(self) -> HedgeResource:
        return self.view.resource  # type: ignore[attr-defined]

    def _kind(self) -> str:
        return type(self.view).__name__  # HedgeListApi | HedgeDetailApi | HedgeHistoryApi

    def get_tags(self) -> list[str]:
        return ["hedge data"]

    def get_operation_id(self) -> str:
        resource, method = self._resource(), self.method.lower()
        suffix = {"HedgeListApi": "list", "HedgeDetailApi": "row", "HedgeHistoryApi": "history"}
        name = resource.name.replace("-", "_")
        return f"hedge_{name}_{suffix[self._kind()]}_{method}"

    def get_description(self) -> str:  # type: ignore[override]
        resource = self._resource()
        access = "operations and admin may write it" if resource.writable else "read-only"
        return f"The `{resource.table}` table ({access})."

    def get_override_parameters(self) -> list[Any]:
        if self._kind() != "HedgeListApi" or self.method != "GET":
            return []
        resource = self._resource()
        parameters = [OpenApiParameter(c, OpenApiTypes.STR) for c in resource.filters]
        for column in resource.date_ranges:
            parameters += [
                OpenApiParameter(f"{column}_from", OpenApiTypes.DATE),
                OpenApiParameter(f"{column}_to", OpenApiTypes.DATE),
            ]
        return [
            *parameters,
            OpenApiParameter("ordering", OpenApiTypes.STR, description="col,-col"),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="at most 200"),
        ]

    def get_request_serializer(self) -> Any:
        if self.method in ("POST", "PUT", "PATCH"):
            return row_serializer(self._resource())
        return None

    def get_response_serializers(self) -> Any:
        resource = self._resource()
        errors = {code: ErrorSerializer for code in (400, 401, 403, 404)}
        if self.method in ("PUT", "PATCH", "POST", "DELETE"):
            errors[409] = ErrorSerializer
        if self.method == "DELETE":
            return {204: None, **errors}
        if self._kind() == "HedgeHistoryApi":
            return {200: HistoryEntrySerializer(many=True), **errors}
        if self._kind() == "HedgeListApi" and self.method == "GET":
            return {200: page_serializer(resource), **errors}
        return {201 if self.method == "POST" else 200: row_serializer(resource), **errors}

    def _get_paginator(self) -> None:
        return None  # the page serializer above already is the paginated shape

    def get_examples(self) -> list[OpenApiExample]:
        key = f"{self._resource().name} {self._kind()} {self.method}"
        example = _examples().get(key)
        if example is None:
            return []
        return [OpenApiExample("demo data", value=example, response_only=True)]
