"""Cache statistics shared by every worker: one hash of counters in Redis (or the local cache).

Lookups are tallied where hit or miss is decided (datacache.store) and flushed once per
extraction in one round trip, so counting costs one command, not one call per lookup.
"""

import logging
import threading
from collections import Counter

from django.core.cache import cache
from django_redis import get_redis_connection
from redis.commands.core import Script

from hawk.datacache.shared import redis_configured

logger = logging.getLogger(__name__)

_HASH = "hawk:cache-stats"
_local_lock = threading.Lock()

# Cache errors not yet in the shared hash: an error mostly means the hash cannot be reached
# now, so they wait here and go with the next flush that reaches it.
_unshared_errors: Counter[str] = Counter()
_errors_lock = threading.Lock()


class Tally:
    """Counts of one extraction (or one write), flushed together."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, result: str, source: str, intent: str = "") -> None:
        with self._lock:
            self.counts[result] += 1
            self.counts[f"{result}:source:{source}"] += 1
            if intent:
                self.counts[f"{result}:intent:{intent}"] += 1

    def flush(self) -> None:
        with self._lock:
            counts, self.counts = self.counts, Counter()
        if counts:
            _add_counts(counts)


def count_error(source: str) -> None:
    with _errors_lock:
        _unshared_errors["error"] += 1
        _unshared_errors[f"error:source:{source}"] += 1


def unshared_error_count() -> int:
    """Errors of this process that the shared hash does not hold yet."""
    return _unshared_errors["error"]


def share_errors() -> None:
    """Flush this process's waiting error counts, if any (and if the hash can be reached)."""
    if _unshared_errors:
        _add_counts(Counter())


def _add_counts(counts: Counter[str]) -> None:
    with _errors_lock:
        errors = _unshared_errors.copy()
        _unshared_errors.clear()
    try:
        if redis_configured():
            _add_counts_redis(counts + errors)
        else:
            _add_counts_local(counts + errors)
    except Exception as exc:  # statistics must never break a request
        logger.debug("cache statistics not updated: %s", exc)
        with _errors_lock:
            _unshared_errors.update(errors)


# Every count of a flush in one command (EVALSHA; redis-py loads the script again where a
# server lacks it, as after a failover): a pipeline of one HINCRBY per counter cost a dozen
# commands to pack and replies to parse per run.
_ADD_ALL = """
for i = 1, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
return #ARGV / 2
"""
_add_all: Script | None = None


def _add_counts_redis(counts: Counter[str]) -> None:
    global _add_all
    client = get_redis_connection("default")
    if _add_all is None:
        _add_all = client.register_script(_ADD_ALL)
    args = [part for field, amount in counts.items() for part in (field, amount)]
    _add_all(keys=[_HASH], args=args, client=client)


def _add_counts_local(counts: Counter[str]) -> None:
    with _local_lock:
        current = cache.get(_HASH) or {}
        for field, amount in counts.items():
            current[field] = current.get(field, 0) + amount
        cache.set(_HASH, current, timeout=None)


def read_counters() -> dict[str, int]:
    """All counters; raises when the shared cache cannot be read."""
    if redis_configured():
        raw = get_redis_connection("default").hgetall(_HASH)
        return {key.decode(): int(value) for key, value in raw.items()}
    return dict(cache.get(_HASH) or {})


def reset_counters() -> None:
    if redis_configured():
        get_redis_connection("default").delete(_HASH)
    else:
        cache.delete(_HASH)
