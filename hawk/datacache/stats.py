"""Cache statistics shared by every worker: counters in the cache itself (Redis in production).

Counted once per lookup, at the single place that decides hit or miss (datacache.store).
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

RESULTS = ("hit", "miss", "write", "invalidate", "error")
_PREFIX = "stats:"


def _bump(key: str) -> None:
    try:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 0, timeout=None)
            cache.incr(key)
    except Exception as exc:  # statistics must never break a request
        logger.debug("cache stats counter %s not updated: %s", key, exc)


def record(result: str, source: str, intent: str = "") -> None:
    _bump(f"{_PREFIX}{result}")
    _bump(f"{_PREFIX}{result}:source:{source}")
    if intent:
        _bump(f"{_PREFIX}{result}:intent:{intent}")


def record_error(source: str) -> None:
    record("error", source)
