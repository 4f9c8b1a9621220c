"""Cache-aside reads keyed on the source's table generations (OPERATIONS.md).

One function, `cached_read`, decides hit or miss and counts it exactly once. Concurrent misses
of one key fetch once (a lock per key in this process, and a short-lived lock key in the shared
cache across workers). When the cache fails, reads go straight to the database for a few
seconds and are marked degraded: never an error for the caller.
"""

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.cache import cache

from analytics import metrics
from hawk.datacache import stats
from hawk.datacache.generations import current_generations

logger = logging.getLogger(__name__)

Status = Literal["hit", "miss", "bypass", "degraded"]

# After a cache failure, skip the cache for this long instead of paying a timeout per read.
DOWN_SECONDS = 5.0
# How long a worker waits for another worker that is already filling the same key.
FILL_WAIT_SECONDS = 2.0
FILL_POLL_SECONDS = 0.01


@dataclass(frozen=True)
class CacheRead:
    value: Any
    status: Status


class _Down:
    """Process-local memory of a cache failure (the shared cache is what failed)."""

    until = 0.0
    errors = 0

    @classmethod
    def mark(cls, source: str, exc: Exception) -> None:
        cls.until = time.monotonic() + DOWN_SECONDS
        cls.errors += 1
        metrics.CACHE_DEGRADED.set(1)
        metrics.CACHE_OPERATIONS.labels(source, "error").inc()
        logger.warning("data cache unavailable, reading %s from the database: %s", source, exc)

    @classmethod
    def active(cls) -> bool:
        if cls.until and time.monotonic() >= cls.until:
            cls.until = 0.0
            metrics.CACHE_DEGRADED.set(0)
        return bool(cls.until)


_key_locks: dict[str, threading.Lock] = {}
_key_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _key_locks_guard:
        return _key_locks.setdefault(key, threading.Lock())


def cache_key(source: str, filters: dict[str, Any], generations: dict[str, int]) -> str:
    material = json.dumps([filters, generations], sort_keys=True, default=str)
    digest = hashlib.blake2b(material.encode(), digest_size=16).hexdigest()
    return f"data:{source}:{digest}"


def cache_degraded() -> bool:
    return _Down.active()


def local_error_count() -> int:
    return _Down.errors


def cached_read(
    *,
    source: str,
    tables: Sequence[str],
    filters: dict[str, Any],
    loader: Callable[[], Any],
    ttl: int,
    tally: stats.Tally,
    use_cache: bool = True,
    intent: str = "",
) -> CacheRead:
    """Read `source` through the cache; `loader` reads the database on a miss.

    The outcome is added to `tally` (flushed by the caller once per extraction)."""
    if _Down.active():
        return CacheRead(loader(), "degraded")
    try:
        key = cache_key(source, filters, current_generations(tables))
        if not use_cache:
            value = loader()
            _store(key, value, ttl, source, tally)
            return CacheRead(value, "bypass")
        found = cache.get(key)
    except Exception as exc:
        _Down.mark(source, exc)
        return CacheRead(loader(), "degraded")
    if found is not None:
        _count(tally, "hit", source, intent)
        return CacheRead(found[0], "hit")
    return _fill(key, source, loader, ttl, tally, intent)


def _fill(
    key: str, source: str, loader: Callable[[], Any], ttl: int, tally: stats.Tally, intent: str
) -> CacheRead:
    """A miss: one thread per process and one worker across processes reads the database."""
    with _lock_for(key):
        try:
            found = cache.get(key)
            if found is not None:  # another thread filled it while we waited for the lock
                _count(tally, "hit", source, intent)
                return CacheRead(found[0], "hit")
            owner = cache.add(f"fill:{key}", 1, timeout=int(FILL_WAIT_SECONDS) + 1)
            if not owner and (found := _wait_for_fill(key)) is not None:
                _count(tally, "hit", source, intent)
                return CacheRead(found[0], "hit")
        except Exception as exc:
            _Down.mark(source, exc)
            return CacheRead(loader(), "degraded")
        _count(tally, "miss", source, intent)
        value = loader()
        _store(key, value, ttl, source, tally)
        if owner:
            _forget_fill_lock(key)
        return CacheRead(value, "miss")


def _wait_for_fill(key: str) -> tuple[Any] | None:
    deadline = time.monotonic() + FILL_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(FILL_POLL_SECONDS)
        found = cache.get(key)
        if found is not None:
            return found
    return None


def _store(key: str, value: Any, ttl: int, source: str, tally: stats.Tally) -> None:
    # Wrapped in a 1-tuple so that a cached empty result is told apart from a missing key.
    try:
        cache.set(key, (value,), timeout=ttl)
    except Exception as exc:
        _Down.mark(source, exc)
        return
    metrics.CACHE_OPERATIONS.labels(source, "write").inc()
    tally.add("write", source)


def _forget_fill_lock(key: str) -> None:
    try:
        cache.delete(f"fill:{key}")
    except Exception as exc:
        logger.debug("fill lock for %s not released: %s", key, exc)


def _count(tally: stats.Tally, result: str, source: str, intent: str) -> None:
    metrics.CACHE_OPERATIONS.labels(source, result).inc()
    tally.add(result, source, intent)
