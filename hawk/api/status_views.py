"""GET /system/status (operations, admin)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.roles import CanOperate
from hawk.system_status import system_status


class SystemStatusApi(APIView):
    permission_classes = [CanOperate]

    @extend_schema(
        summary="Version, uptime, every component checked for real, counts, cache, spend",
        responses={
            200: inline_serializer(
                "SystemStatus",
                {
                    "status": serializers.ChoiceField(["healthy", "degraded", "unhealthy"]),
                    "version": serializers.CharField(),
                    "uptime_seconds": serializers.FloatField(),
                    "components": serializers.DictField(),
                    "counts": serializers.DictField(),
                    "cache": serializers.DictField(),
                    "analysis_backend": serializers.ChoiceField(["dify", "builtin"]),
                    "budget": serializers.DictField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        return Response(system_status())
