"""What /system/status reports: every component checked for real, counts, cache, spend."""

import time
from decimal import Decimal
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import Count, Sum
from django.utils import timezone

import hawk
from analytics.budgets import budget_status
from hawk.datacache.report import cache_report
from hawk.health import database_status, dify_status, overall_status, redis_status
from hawk.models import AgentRun, Entity, PositionNav
from templates_app.models import PromptTemplate

STARTED = time.time()


def channel_layer_status() -> str:
    """A message sent to a fresh channel and read back: the layer works end to end."""
    layer = get_channel_layer()
    if layer is None:
        return "not_configured"
    try:
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.send)(channel, {"type": "status.ping"})
        async_to_sync(layer.receive)(channel)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return f"connected ({type(layer).__name__})"


def _dify() -> dict[str, Any]:
    from hawk.analysis.dify import dify_circuit_state, dify_configured

    return {
        "status": dify_status(),
        "circuit": dify_circuit_state() if dify_configured() else None,
    }


def _counts(today_start: Any) -> dict[str, Any]:
    runs_today = AgentRun.objects.filter(created_at__gte=today_start)
    by_status = runs_today.values("status").annotate(n=Count("pk")).order_by("status")
    return {
        "entities": Entity.objects.count(),
        "positions": PositionNav.objects.count(),
        "templates": PromptTemplate.objects.count(),
        "runs_today": {row["status"]: row["n"] for row in by_status},
    }


def system_status() -> dict[str, Any]:
    components = {
        "database": database_status(),
        "redis": redis_status(),
        "channel_layer": channel_layer_status(),
    }
    dify = _dify()
    status = overall_status({**components, "dify": dify["status"]})
    today_start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    cost = AgentRun.objects.filter(created_at__gte=today_start).aggregate(cost=Sum("total_price"))
    cache = cache_report()
    return {
        "status": status,
        "version": hawk.__version__,
        "uptime_seconds": round(time.time() - STARTED, 1),
        "components": {**components, "dify": dify},
        "counts": _counts(today_start),
        "cache": {
            name: cache[name]
            for name in (
                "backend",
                "hit_rate",
                "hits",
                "misses",
                "keys",
                "memory_bytes",
                "degraded",
                "errors",
            )
        },
        "analysis_backend": "dify" if dify["status"] != "not_configured" else "builtin",
        "budget": {
            "llm_cost_today": str(cost["cost"] or Decimal(0)),
            # The overall daily and monthly budgets (HAWK_BUDGET_*): limit, used, remaining.
            "budgets": [budget.as_dict() for budget in budget_status()],
        },
    }
