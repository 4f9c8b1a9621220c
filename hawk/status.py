"""What /health and /system/status report: each component checked for real (the database,
Redis, the channel layer, Dify), counts, cache and spend."""

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from django_redis import get_redis_connection

import hawk
from cache_admin.services import cache_report
from hawk.analysis.budgets import budget_status
from hawk.analysis.cost import usd_text
from hawk.analysis.dify import dify_circuit_state, dify_configured
from hawk.datacache.changefeed.state import feed_status
from hawk.datacache.shared import redis_configured
from hawk.models import AgentRun, BusinessDate, Entity, PositionNav
from hawk.pipeline.run import drain
from templates_app.models import PromptTemplate

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
    if not redis_configured():
        return "not_configured"
    try:
        get_redis_connection("default").ping()
    except Exception as exc:
        logger.warning("health: redis check failed: %s", exc)
        return f"error: {type(exc).__name__}"
    return "connected"


def dify_status() -> str:
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


def readiness() -> dict[str, Any]:
    """Whether this worker should get new requests (/health/ready): not while it drains, nor
    while the database, or Redis when one is configured, is down. Checked for real each time;
    a draining worker is not ready whatever its dependencies, so they are not checked."""
    if drain.draining():
        return {"ready": False, "status": "draining", "runs_in_flight": drain.runs_in_flight()}
    components = {"database": database_status(), "redis": redis_status()}
    down = [name for name, state in components.items() if state.startswith("error")]
    return {
        "ready": not down,
        "status": "unavailable" if down else "ready",
        "components": components,
    }


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


def business_date_status() -> dict[str, str]:
    """The business date runs use: the one set (the demo's, or an operator's), else today's
    calendar date, which then moves at midnight."""
    stored = BusinessDate.stored()
    if stored is not None:
        return {"date": stored.isoformat(), "source": "set"}
    return {"date": timezone.now().date().isoformat(), "source": "calendar"}


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
        "business_date": business_date_status(),
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
        "change_feed": feed_status(),
        "budget": {
            "llm_cost_today": usd_text(cost["cost"]),
            # The overall daily and monthly budgets (HAWK_BUDGET_*): limit, used, remaining.
            "budgets": [budget.as_dict() for budget in budget_status()],
        },
    }
