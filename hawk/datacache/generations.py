"""Per-table generations: every write bumps its table's generation, so keys built on the old
generation are never read again (they age out by TTL). No key scans, no stale reads.

A generation lives in the shared cache (Redis in production) so all workers agree. When the
cache cannot be reached, reads bypass the cache entirely (see datacache.store). A bump that
failed is remembered in this process and retried before its next cached read, so this worker
never reads entries older than its own writes once Redis is back. (Another worker could, for
at most the entry's TTL, if Redis kept its data through an outage that only this worker saw:
the embedded Redis set-up keeps nothing on disk, so a restarted Redis starts empty.)

With the change feed in trigger mode, the HAWK tables' generations come from the database
instead (hawk.datacache.changefeed): every write, whoever makes it, bumps them in its own
transaction. In logical mode, the slot's unread changes are bumped here first.
"""

import logging
import threading
import time
from collections.abc import Iterable

from django.core.cache import cache

from hawk.datacache.changefeed import logical, triggers

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


_pending: set[str] = set()
_pending_lock = threading.Lock()


def _bump(table: str) -> None:
    key = _key(table)
    try:
        cache.incr(key)
    except ValueError:  # missing key: start from a fresh value
        if not cache.add(key, _fresh_start(), timeout=_NO_EXPIRY):
            cache.incr(key)


def bump_tables(tables: Iterable[str]) -> None:
    """Mark these tables as changed. Errors are logged, never raised: a write must not fail
    because the cache is down; the bump is retried before this process's next cached read."""
    for table in set(tables):
        try:
            _bump(table)
        except Exception as exc:
            logger.warning("cache generation bump failed for %s: %s", table, exc)
            with _pending_lock:
                _pending.add(table)


def _retry_pending() -> None:
    """Raises while the cache is still failing, which keeps the caller off the cache."""
    with _pending_lock:
        waiting = sorted(_pending)
        for table in waiting:
            _bump(table)
            _pending.discard(table)


def current_generations(tables: Iterable[str]) -> dict[str, int]:
    """The current generation of each table: the change feed's where it keeps one, else the
    shared cache's (created when missing). Raises on cache and database errors."""
    names = sorted(set(tables))
    if unread := logical.unread_tables(names):
        bump_tables(unread)
    from_feed = triggers.feed_generations(names)
    rest = [name for name in names if name not in from_feed]
    return {**_cache_generations(rest), **from_feed} if rest else from_feed


def _cache_generations(names: list[str]) -> dict[str, int]:
    if _pending:
        _retry_pending()
    found = cache.get_many([_key(name) for name in names])
    result = {}
    for name in names:
        value = found.get(_key(name))
        if value is None:
            start = _fresh_start()
            # add() fails only when another worker created it first: then read theirs.
            value = (
                start if cache.add(_key(name), start, timeout=_NO_EXPIRY) else cache.get(_key(name))
            )
        result[name] = int(value)
    return result
