"""Cache statistics and invalidation as operators see them (/cache/stats, /cache/invalidate)."""

import logging
from typing import Any

from django_redis import get_redis_connection

from hawk.datacache import stats
from hawk.datacache.entries import delete_currency_entries, local_data_items
from hawk.datacache.invalidation import tables_written
from hawk.datacache.shared import redis_configured
from hawk.datacache.store import cache_degraded
from hawk.sources import SOURCES
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)


def _split(counters: dict[str, int], kind: str) -> dict[str, dict[str, int]]:
    """{"hit:source:positions": 3} -> {"positions": {"hit": 3}} for kind "source"."""
    grouped: dict[str, dict[str, int]] = {}
    for key, value in counters.items():
        result, _, rest = key.partition(":")
        prefix, _, name = rest.partition(":")
        if prefix == kind and name:
            grouped.setdefault(name, {})[result] = value
    for entry in grouped.values():
        looked_up = entry.get("hit", 0) + entry.get("miss", 0)
        entry["hit_rate"] = round(entry.get("hit", 0) / looked_up, 4) if looked_up else None  # type: ignore[assignment]
    return dict(sorted(grouped.items()))


def _local_footprint() -> dict[str, Any]:
    """The local-memory cache of this process: its data entries and their pickled size."""
    sizes = [len(value) for value in local_data_items().values()]
    return {"keys": len(sizes), "memory_bytes": sum(sizes), "backend": "local-memory"}


def _redis_footprint() -> dict[str, Any]:
    if not redis_configured():
        return _local_footprint()
    client = get_redis_connection("default")
    keys = sum(1 for _ in client.scan_iter(match="hawk:*data:*", count=1000))
    return {
        "keys": keys,
        "memory_bytes": client.info("memory").get("used_memory"),
        "backend": "redis",
    }


def cache_report() -> dict[str, Any]:
    try:
        stats.share_errors()
        counters = stats.read_counters()
        footprint = _redis_footprint()
        shared_error = None
    except Exception as exc:
        logger.warning("cache statistics unavailable: %s", exc)
        counters, footprint = {}, {"keys": None, "memory_bytes": None, "backend": "unreachable"}
        shared_error = f"{type(exc).__name__}"
    hits, misses = counters.get("hit", 0), counters.get("miss", 0)
    return {
        "hits": hits,
        "misses": misses,
        "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None,
        "writes": counters.get("write", 0),
        "invalidations": counters.get("invalidate", 0),
        # Shared errors, plus this worker's that could not be shared yet (Redis down).
        "errors": counters.get("error", 0) + stats.unshared_error_count(),
        "degraded": cache_degraded() or shared_error is not None,
        "shared_counters_error": shared_error,
        "by_source": _split(counters, "source"),
        "by_intent": _split(counters, "intent"),
        **footprint,
    }


def invalidate(*, source: str | None) -> dict[str, Any]:
    """Make the next read of these sources (all when None) fresh: their tables' generations
    are bumped, exactly as a write would."""
    names = [source] if source else sorted(SOURCES)
    tables = sorted({SOURCES[name].table for name in names})
    tables_written(tables)
    tally = stats.Tally()
    for name in names:
        tally.add("invalidate", name)
        metrics.CACHE_OPERATIONS.labels(name, "invalidate").inc()
    tally.flush()
    return {"invalidated_sources": names, "tables": tables}


def invalidate_currency(*, currency: str, source: str | None) -> dict[str, Any]:
    """Make the next read of one currency's data fresh: the entries that may hold its rows
    are deleted (those of other currencies stay), instead of bumping whole tables."""
    deleted = delete_currency_entries(currency, source=source)
    tally = stats.Tally()
    for entry in deleted:
        tally.add("invalidate", entry.source)
        metrics.CACHE_OPERATIONS.labels(entry.source, "invalidate").inc()
    tally.flush()
    return {
        "invalidated_sources": sorted({entry.source for entry in deleted}),
        "currency": currency,
        "entries_deleted": len(deleted),
    }
