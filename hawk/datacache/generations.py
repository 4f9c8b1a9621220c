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

With read replicas (hawk.datacache.replica_reads), a Redis-kept generation also has a WAL
position: `record_write` raises the table's position to the primary's after the commit,
before the bump, so whoever sees the new generation sees a position past the write's commit.
"""

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError

from hawk.database.replicas import replicas_of, write_position
from hawk.datacache.changefeed import logical, triggers
from hawk.datacache.shared import django_redis_client

logger = logging.getLogger(__name__)

_PREFIX = "gen:"
_POSITION_PREFIX = "pos:"
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
        for table in sorted(_pending_positions):
            # Forgotten, the position is taken afresh by the next reader: past the write.
            cache.delete(_position_key(table))
            _pending_positions.discard(table)
        waiting = sorted(_pending)
        for table in waiting:
            _bump(table)
            _pending.discard(table)


@dataclass(frozen=True)
class Generations:
    values: dict[str, int]
    # The tables whose generation the trigger feed keeps (in the database, replicated).
    from_feed: frozenset[str]


def read_generations(tables: Iterable[str]) -> Generations:
    """The current generation of each table: the change feed's where it keeps one, else the
    shared cache's (created when missing). Raises on cache and database errors."""
    names = sorted(set(tables))
    if unread := logical.unread_tables(names):
        bump_tables(unread)
    from_feed = triggers.feed_generations(names)
    rest = [name for name in names if name not in from_feed]
    values = {**_cache_generations(rest), **from_feed} if rest else from_feed
    return Generations(values, frozenset(from_feed))


def current_generations(tables: Iterable[str]) -> dict[str, int]:
    return read_generations(tables).values


def _cache_generations(names: list[str]) -> dict[str, int]:
    if _pending or _pending_positions:
        _retry_pending()
    if (client := django_redis_client()) is not None:
        return _redis_generations(client, names)
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


# --- failover epochs of the Redis-kept generations ----------------------------------------------
#
# Redis replicates asynchronously: a master that fails over (Sentinel) or restarts from an old
# snapshot may come back without the last bumps it acknowledged, and then hand out a generation
# whose entries were filled before a committed write. Every generation therefore carries the
# replication id of the master that last vouched for it (`epoch:<table>`). Redis gives a master
# a new replication id when it is promoted or restarted, so the first read of a table on a new
# master finds a different id and bumps the table there, in the same atomic script that reads
# it: no entry stored before the switch is ever read again, on any worker. (The trigger feed's
# generations live in Postgres and survive a Redis failover as they are.)
_READ_SCRIPT = """
local replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)')
local out = {}
for i = 1, #KEYS, 2 do
  local value = redis.call('GET', KEYS[i])
  if not value then
    redis.call('SET', KEYS[i], ARGV[1])
    redis.call('SET', KEYS[i + 1], replid)
    value = ARGV[1]
  elseif redis.call('GET', KEYS[i + 1]) ~= replid then
    value = redis.call('INCR', KEYS[i])
    redis.call('SET', KEYS[i + 1], replid)
  end
  out[#out + 1] = tostring(value)
end
return out
"""


def _epoch_key(table: str) -> str:
    return f"epoch:{table}"


def _redis_generations(client: Any, names: list[str]) -> dict[str, int]:
    keys = [client.make_key(key) for name in names for key in (_key(name), _epoch_key(name))]
    values = client.get_client(write=True).eval(_READ_SCRIPT, len(keys), *keys, _fresh_start())
    return {name: int(value) for name, value in zip(names, values, strict=True)}


# --- WAL positions of the Redis-kept generations (read replicas) ------------------------------

# Raises a position, never lowers it: of two writers, the later commit may record first.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""
_raise_lock = threading.Lock()


def _position_key(table: str) -> str:
    return f"{_POSITION_PREFIX}{table}"


def _raise_position(table: str, position: int) -> None:
    if (client := django_redis_client()) is not None:  # django-redis: one atomic script
        key = client.make_key(_position_key(table))
        client.get_client(write=True).eval(_RAISE, 1, key, position)
        return
    with _raise_lock:  # a process-local cache (tests, development)
        if (cache.get(_position_key(table)) or -1) < position:
            cache.set(_position_key(table), position, timeout=_NO_EXPIRY)


def record_write(alias: str, tables: Iterable[str]) -> None:
    """After the commit of a write to `tables` of `alias`, before its bump. When the position
    cannot be read, the table's position is forgotten instead: the next reader then takes the
    primary's position of its own time, which is past this commit too."""
    if not replicas_of(alias):
        return
    try:
        position: int | None = write_position(alias)
    except DatabaseError as exc:
        logger.warning("could not read the WAL position after a write: %s", exc)
        position = None
    for table in set(tables):
        try:
            if position is None:
                cache.delete(_position_key(table))
            else:
                _raise_position(table, position)
        except Exception as exc:
            logger.warning("cache position update failed for %s: %s", table, exc)
            with _pending_lock:
                _pending_positions.add(table)


_pending_positions: set[str] = set()


def required_position(alias: str, table: str) -> int:
    """The WAL position a replica must have replayed to serve `table` at the generation read
    before this call. Raises on cache and database errors, and while a position update failed
    (the caller then reads the primary)."""
    if table in _pending_positions:
        raise RuntimeError(f"the WAL position of {table} is not known")
    found = cache.get(_position_key(table))
    if found is not None:
        return int(found)
    position = write_position(alias)  # past every commit before now
    if cache.add(_position_key(table), position, timeout=_NO_EXPIRY):
        return position
    return int(cache.get(_position_key(table)) or position)
