"""Per-table generations: every write bumps its table's generation, so keys built on the old
generation are never read again (they age out by TTL). No key scans, no stale reads.

A generation lives in the shared cache (Redis in production) so all workers agree. When the
cache cannot be reached, reads bypass the cache entirely (see datacache.store), so a missed bump
cannot serve stale data.
"""

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache

logger = logging.getLogger(__name__)

_PREFIX = "gen:"
# Generations never expire on their own: losing one would reset it and could collide with
# keys written under an earlier value. A fresh start value (time-based) avoids that after a
# Redis flush.
_NO_EXPIRY = None


def _key(table: str) -> str:
    return f"{_PREFIX}{table}"


def _fresh_start() -> int:
    return int(time.time() * 1000)


def bump_tables(tables: Iterable[str]) -> None:
    """Mark these tables as changed. Errors are logged, never raised: a write must not fail
    because the cache is down (reads skip the cache while it is down)."""
    for table in set(tables):
        key = _key(table)
        try:
            try:
                cache.incr(key)
            except ValueError:  # missing key: start from a fresh value
                cache.add(key, _fresh_start(), timeout=_NO_EXPIRY) or cache.incr(key)
        except Exception as exc:
            logger.warning("cache generation bump failed for %s: %s", table, exc)
            from hawk.datacache import stats

            stats.record_error("generation")


def current_generations(tables: Iterable[str]) -> dict[str, int]:
    """The current generation of each table, creating missing ones. Raises on cache errors."""
    names = sorted(set(tables))
    found = cache.get_many([_key(name) for name in names])
    result = {}
    for name in names:
        value = found.get(_key(name))
        if value is None:
            cache.add(_key(name), _fresh_start(), timeout=_NO_EXPIRY)
            value = cache.get(_key(name))
        result[name] = int(value)
    return result
