"""GET /health, /health/live and /health/ready (no login) and GET /system/status (operations,
admin)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import hawk
from hawk.status import (
    database_status,
    dify_status,
    overall_status,
    readiness,
    redis_status,
    system_status,
)
from hawk.web.inputs import reject_unknown_query
from hawk.web.roles import CanOperate


class SystemStatusApi(APIView):
    permission_classes = [CanOperate]

    @extend_schema(
        summary="Version, uptime, the business date, every component checked for real, "
        "counts, cache, spend",
        responses={
            200: inline_serializer(
                "SystemStatus",
                {
                    "status": serializers.ChoiceField(["healthy", "degraded", "unhealthy"]),
                    "version": serializers.CharField(),
                    "uptime_seconds": serializers.FloatField(),
                    "business_date": inline_serializer(
                        "BusinessDateStatus",
                        {
                            "date": serializers.DateField(),
                            "source": serializers.ChoiceField(
                                ["set", "calendar"],
                                help_text="set: the stored business date (the demo's or an "
                                "operator's); calendar: none is set, today's date is used",
                            ),
                        },
                    ),
                    "components": serializers.DictField(),
                    "counts": serializers.DictField(),
                    "cache": serializers.DictField(),
                    "analysis_backend": serializers.ChoiceField(["dify", "builtin"]),
                    "budget": serializers.DictField(),
                    "change_feed": serializers.DictField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        reject_unknown_query(request, ())
        return Response(system_status())


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Service health, checking the database and Redis for real",
        responses={
            (200, "application/json"): inline_serializer(
                "Health",
                {
                    "status": serializers.ChoiceField(["healthy", "degraded", "unhealthy"]),
                    "version": serializers.CharField(),
                    "components": serializers.DictField(child=serializers.CharField()),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        components = {
            "database": database_status(),
            "redis": redis_status(),
            "dify": dify_status(),
        }
        status = overall_status(components)
        body = {"status": status, "version": hawk.__version__, "components": components}
        return Response(body, status=503 if status == "unhealthy" else 200)


class LiveView(APIView):
    """The process answers: no dependency is checked (a restart would not mend one)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Liveness: the process answers (no dependency checked); always 200",
        responses={
            (200, "application/json"): inline_serializer(
                "Live",
                {
                    "status": serializers.ChoiceField(["alive"]),
                    "version": serializers.CharField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "alive", "version": hawk.__version__})


class ReadyView(APIView):
    """Whether a proxy should send this worker new requests (hawk.status.readiness)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Readiness: 503 while draining (SIGTERM) or while the database or Redis is down",
        responses={
            (200, "application/json"): inline_serializer(
                "Ready",
                {
                    "status": serializers.ChoiceField(["ready"]),
                    "components": serializers.DictField(child=serializers.CharField()),
                    "runs_in_flight": serializers.IntegerField(required=False),
                },
            ),
            (503, "application/json"): inline_serializer(
                "NotReady",
                {
                    "status": serializers.ChoiceField(["draining", "unavailable"]),
                    "components": serializers.DictField(
                        child=serializers.CharField(), required=False
                    ),
                    "runs_in_flight": serializers.IntegerField(required=False),
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        state = readiness()
        ready = state.pop("ready")
        return Response(state, status=200 if ready else 503)
