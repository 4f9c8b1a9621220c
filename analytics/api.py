"""`/api/analytics/...`: thin views over analytics.selectors, one class per endpoint, each
with its own small query serializer. The hedge figures need the view permission of the table
they are computed from (as the hedge API); usage needs a role, and `user=` another user needs
operations or admin."""

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import schemas, selectors
from hawk.web.errors import HawkError
from hawk.web.inputs import (
    BoundedDateField,
    BoundedDateTimeField,
    checked_query,
    reject_unknown_query,
)
from hawk.web.openapi import ErrorSerializer
from hawk.web.roles import ADMIN, OPERATIONS, HasAnyRole, has_role, permission_required

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


TAGS = ["analytics"]


class CurrencyField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=3, max_length=3, required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data).upper()


class CapacityApi(APIView):
    permission_classes = [permission_required("hawk.view_positionnav")]

    class Query(serializers.Serializer):
        currency_code = CurrencyField()
        as_of = BoundedDateField(required=False)

    @extend_schema(
        tags=TAGS,
        summary="Capacity per currency and entity/NAV: the agent's capacity facts",
        parameters=[Query],
        responses={
            200: schemas.CapacityOverviewSchema,
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        query = checked_query(self.Query, request)
        overview = selectors.capacity_overview(
            currency=query.get("currency_code"), as_of=query.get("as_of")
        )
        return Response(overview)


class ThresholdsApi(APIView):
    permission_classes = [permission_required("hawk.view_thresholdconfiguration")]

    class Query(serializers.Serializer):
        as_of = BoundedDateField(required=False)

    @extend_schema(
        tags=TAGS,
        summary="Every active threshold with its current value and status",
        parameters=[Query],
        responses={
            200: schemas.ThresholdOverviewSchema,
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.threshold_overview(**checked_query(self.Query, request)))


class EffectivenessApi(APIView):
    permission_classes = [permission_required("hawk.view_hedgeeffectiveness")]

    class Query(serializers.Serializer):
        currency_code = CurrencyField()
        # "from" is a keyword: declared below under its query name.

    Query._declared_fields["from"] = BoundedDateField(required=False)
    Query._declared_fields["to"] = BoundedDateField(required=False)

    @extend_schema(
        tags=TAGS,
        summary="Hedge effectiveness tests by result, ratios and failures",
        parameters=[Query],
        responses={
            200: schemas.EffectivenessOverviewSchema,
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        query = checked_query(self.Query, request)
        return Response(
            selectors.effectiveness_overview(
                date_from=query.get("from"),
                date_to=query.get("to"),
                currency=query.get("currency_code"),
            )
        )


class ExceptionsApi(APIView):
    permission_classes = [permission_required("hawk.view_hedgeinstruction")]

    @extend_schema(
        tags=TAGS,
        summary="Failed or partial checks, breaches, data quality, rates, stuck instructions",
        responses={
            200: schemas.ExceptionsOverviewSchema,
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        reject_unknown_query(request, ())
        return Response(selectors.exceptions_overview())


class UsageApi(APIView):
    permission_classes = [HasAnyRole]

    class Query(serializers.Serializer):
        granularity = serializers.ChoiceField(["hour", "day"], required=False, default="day")
        user = serializers.CharField(required=False, max_length=150)
        group_by = serializers.ChoiceField(["user"], required=False)

    Query._declared_fields["from"] = BoundedDateTimeField(required=False)
    Query._declared_fields["to"] = BoundedDateTimeField(required=False)

    @extend_schema(
        tags=TAGS,
        summary="Agent usage: runs by group, latency, cache, tokens, cost, quality, feedback",
        parameters=[Query],
        responses={
            200: PolymorphicProxySerializer(
                "Usage",
                [schemas.UsageOverviewSchema, schemas.UsageByUserSchema],
                resource_type_field_name=None,
            ),
            **ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        query = checked_query(self.Query, request)
        _check_usage_scope(request, query)
        runs = selectors.usage_runs(
            date_from=query.get("from"), date_to=query.get("to"), user=query.get("user")
        )
        if query.get("group_by") == "user":
            return Response(selectors.usage_by_user(runs=runs))
        return Response(selectors.usage_overview(runs=runs, granularity=query["granularity"]))


def _check_usage_scope(request: Request, query: dict) -> None:
    """Other users' usage (by name or as a table) is for operations and admin."""
    if has_role(request.user, OPERATIONS, ADMIN):
        return
    if query.get("group_by") == "user":
        raise HawkError("forbidden", "group_by=user is for operations and admin")
    if query.get("user") not in (None, request.user.get_username()):
        raise HawkError("forbidden", "user= another user is for operations and admin")
