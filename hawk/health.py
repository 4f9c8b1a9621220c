"""Liveness and dependency checks for /health: each one really touches its dependency."""

import logging

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import hawk

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health: database check failed: %s", exc)
        return f"error: {type(exc).__name__}"
    return "connected"


def redis_status() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    from django_redis import get_redis_connection

    try:
        get_redis_connection("default").ping()
    except Exception as exc:
        logger.warning("health: redis check failed: %s", exc)
        return f"error: {type(exc).__name__}"
    return "connected"


def dify_status() -> str:
    from hawk.analysis.dify import dify_circuit_state, dify_configured

    if not dify_configured():
        return "not_configured"
    return "circuit_open" if dify_circuit_state() == "open" else "configured"


def overall_status(components: dict[str, str]) -> str:
    """The database is essential; Redis and Dify have fallbacks, so they only degrade."""
    if components["database"] != "connected":
        return "unhealthy"
    if components["redis"].startswith("error") or components["dify"] == "circuit_open":
        return "degraded"
    return "healthy"


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
