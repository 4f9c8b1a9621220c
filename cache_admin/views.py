"""GET /cache/stats and POST /cache/invalidate (operations role)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.datacache.report import cache_report, invalidate
from hawk.pipeline.sources import SOURCES
from hawk.roles import CanOperate, RolePermission


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
        return Response(cache_report())


class InvalidateSerializer(serializers.Serializer):
    # A declared field named like Field.source: fine at run time (the metaclass collects it).
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=sorted(SOURCES), required=False, allow_null=True
    )
    # Refused, not ignored: generations are per table, so invalidating "one currency" would
    # silently invalidate every currency of the table.
    currency = serializers.CharField(required=False, allow_null=True)

    def validate_currency(self, value: str | None) -> None:
        if value is not None:
            raise serializers.ValidationError(
                "not supported: the cache is invalidated per source (all currencies); omit it"
            )


class CacheInvalidateApi(APIView):
    permission_classes = [CanOperate]

    @extend_schema(
        summary="Invalidate cached data of one source (or all)",
        request=InvalidateSerializer,
        responses={200: inline_serializer("Invalidated", {"tables": serializers.ListField()})},
    )
    def post(self, request: Request) -> Response:
        body = InvalidateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(invalidate(source=body.validated_data.get("source")))
