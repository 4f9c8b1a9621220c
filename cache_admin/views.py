"""GET /cache/stats and POST /cache/invalidate (operations role)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cache_admin.services import cache_report, invalidate, invalidate_currency
from cache_admin.snapshots import record_snapshot
from cache_admin.warming import cache_warm
from hawk.models import Currency
from hawk.sources import SOURCES
from hawk.web.inputs import reject_unknown_query
from hawk.web.roles import CanOperate, RolePermission


class CanReadCacheStats(RolePermission):
    roles = ("operations", "admin", "analyst")


class CacheStatsApi(APIView):
    permission_classes = [CanReadCacheStats]

    @extend_schema(
        summary="Data cache statistics shared by all workers",
        # hit_rate is null until the cache has answered a lookup (no division by zero).
        responses={
            200: inline_serializer(
                "CacheStats", {"hit_rate": serializers.FloatField(allow_null=True)}
            )
        },
    )
    def get(self, request: Request) -> Response:
        reject_unknown_query(request, ())
        record_snapshot()
        return Response(cache_report())


class InvalidateSerializer(serializers.Serializer):
    # A declared field named like Field.source: fine at run time (the metaclass collects it).
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=sorted(SOURCES), required=False, allow_null=True
    )
    # One currency: only the entries that may hold its rows are dropped (report.py).
    currency = serializers.CharField(required=False, allow_null=True, max_length=3)

    def validate_currency(self, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.upper()
        if not Currency.objects.filter(pk=code).exists():
            raise serializers.ValidationError(f"{value!r} is not a configured currency")
        return code


class CacheInvalidateApi(APIView):
    permission_classes = [CanOperate]

    @extend_schema(
        summary="Invalidate cached data of one source (or all), or of one currency",
        request=InvalidateSerializer,
        responses={200: inline_serializer("Invalidated", {"tables": serializers.ListField()})},
    )
    def post(self, request: Request) -> Response:
        body = InvalidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        source, currency = body.validated_data.get("source"), body.validated_data.get("currency")
        if currency:
            return Response(invalidate_currency(currency=currency, source=source))
        return Response(invalidate(source=source))


class WarmSerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=200)


class CacheWarmApi(APIView):
    permission_classes = [CanOperate]

    @extend_schema(
        summary="Warm the data of the most used templates and currencies (prompt history)",
        request=WarmSerializer,
        responses={
            200: inline_serializer(
                "Warmed",
                {"business_date": serializers.DateField(), "warmed": serializers.ListField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        body = WarmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(cache_warm(limit=body.validated_data["limit"]))
