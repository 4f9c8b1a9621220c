"""Cache-aside reads keyed on the source's table generations (OPERATIONS.md).

`lookup_many` (all sources of a plan) and `fill` (a miss) decide hit or miss and count it
exactly once; `cached_read` is the same for a single source. Concurrent misses of one key
fetch once (a striped lock per key in this process, and a short-lived lock key in the shared
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
from django.db import DatabaseError

from hawk.database.replicas import mark_down, reading_from
from hawk.database.routers import hawk_table_alias
from hawk.datacache import stats
from hawk.datacache.generations import Generations, read_generations
from hawk.datacache.invalidation import uncommitted_tables
from hawk.datacache.replica_reads import Need, fill_database
from hawk.telemetry import metrics

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

    @classmethod
    def mark(cls, source: str, exc: Exception) -> None:
        cls.until = time.monotonic() + DOWN_SECONDS
        stats.count_error(source)
        metrics.CACHE_DEGRADED.set(1)
        metrics.CACHE_OPERATIONS.labels(source, "error").inc()
        logger.warning("data cache unavailable, reading %s from the database: %s", source, exc)

    @classmethod
    def active(cls) -> bool:
        if cls.until and time.monotonic() >= cls.until:
            cls.until = 0.0
            metrics.CACHE_DEGRADED.set(0)
        return bool(cls.until)


# Striped locks: a key always maps to the same lock, and their number stays fixed however many
# keys (each generation makes new ones) a long-running worker sees. Two keys sharing a stripe
# only wait for each other's fill.
_KEY_LOCKS = tuple(threading.Lock() for _ in range(256))


def _lock_for(key: str) -> threading.Lock:
    return _KEY_LOCKS[hash(key) % len(_KEY_LOCKS)]


def cache_key(
    source: str, filters: dict[str, Any], generations: dict[str, int], fingerprint: str = ""
) -> str:
    """`fingerprint` is the source's shape (SourceSpec.fingerprint): a deploy changing it
    keys the source anew instead of serving old-shaped entries until their TTL."""
    material = json.dumps([filters, generations, fingerprint], sort_keys=True, default=str)
    digest = hashlib.blake2b(material.encode(), digest_size=16).hexdigest()
    return f"data:{source}:{digest}"


def cache_degraded() -> bool:
    return _Down.active()


@dataclass(frozen=True)
class Lookup:
    """One source read through the cache: what to key on and how to load it on a miss."""

    source: str
    table: str
    filters: dict[str, Any]
    loader: Callable[[], Any]
    ttl: int
    fingerprint: str = ""


@dataclass(frozen=True)
class Slot:
    """Where a miss goes: its key, and the generation (and its keeper) the key is built on,
    which a read replica must have replayed to serve the fill."""

    key: str
    generation: int
    from_feed: bool


@dataclass(frozen=True)
class Lookups:
    """The cache round of a set of sources."""

    hits: dict[str, CacheRead]
    # The sources to read from the database, each with the slot to fill (None: cache down).
    to_fill: dict[str, Slot | None]
    # The generations the keys were built on, read before any row: what was read is at least
    # as new as they say. None when the cache is down.
    generations: dict[str, int] | None


def lookup_many(
    lookups: Sequence[Lookup],
    *,
    tally: stats.Tally,
    use_cache: bool = True,
    intent: str = "",
    generations_read: Generations | None = None,
) -> Lookups:
    """Look every source up in two round trips (generations, then values), or one when the
    caller read the generations of every table before (`generations_read`, made before any
    row of this run was read); a source that is not a hit is to be filled, or read from the
    database only (marked degraded) when the cache is down."""
    if _Down.active():
        return Lookups({}, {lookup.source: None for lookup in lookups}, None)
    tables = {lookup.table for lookup in lookups}
    try:
        read = generations_read
        if read is None or not tables <= read.values.keys():
            read = read_generations(tables)
        generations = {table: read.values[table] for table in tables}
        slots = {
            lookup.source: Slot(
                cache_key(
                    lookup.source,
                    lookup.filters,
                    {lookup.table: generations[lookup.table]},
                    lookup.fingerprint,
                ),
                generations[lookup.table],
                lookup.table in read.from_feed,
            )
            for lookup in lookups
        }
        keys = {source: slot.key for source, slot in slots.items()}
        pending = uncommitted_tables()
        wanted = [keys[lookup.source] for lookup in lookups if lookup.table not in pending]
        found = cache.get_many(wanted) if use_cache else {}
    except Exception as exc:
        _Down.mark(lookups[0].source if lookups else "-", exc)
        return Lookups({}, {lookup.source: None for lookup in lookups}, None)
    hits = {}
    for source, key in keys.items():
        if (value := found.get(key)) is not None:
            _count(tally, "hit", source, intent)
            hits[source] = CacheRead(value[0], "hit")
    to_fill: dict[str, Slot | None] = {s: slot for s, slot in slots.items() if s not in hits}
    return Lookups(hits, to_fill, generations)


def fill(
    lookup: Lookup,
    slot: Slot | None,
    *,
    tally: stats.Tally,
    use_cache: bool = True,
    intent: str = "",
) -> CacheRead:
    """Read a source that was not a hit: from the database, then into the cache (not when
    this connection has uncommitted writes to its table: others must not see those rows)."""
    if slot is None:
        return CacheRead(lookup.loader(), "degraded")
    if lookup.table in uncommitted_tables():
        return CacheRead(lookup.loader(), "bypass")
    if not use_cache:
        value = _load(lookup, slot)
        _store(slot.key, value, lookup, tally)
        return CacheRead(value, "bypass")
    return _fill(slot, lookup, tally, intent)


def _load(lookup: Lookup, slot: Slot) -> Any:
    """The loader, on a read replica that has replayed the slot's generation when there is
    one (hawk.datacache.replica_reads), else on the primary; a replica that fails midway
    hands the read to the primary."""
    primary = hawk_table_alias(lookup.table)
    database = fill_database(Need(primary, lookup.table, slot.generation, slot.from_feed))
    if database == primary:
        return lookup.loader()
    try:
        with reading_from(primary, database):
            return lookup.loader()
    except DatabaseError as exc:
        logger.warning("read replica %s failed a fill, reading the primary: %s", database, exc)
        mark_down(database)
        return lookup.loader()


def cached_read(
    *,
    source: str,
    table: str,
    filters: dict[str, Any],
    loader: Callable[[], Any],
    ttl: int,
    tally: stats.Tally,
    use_cache: bool = True,
    intent: str = "",
) -> CacheRead:
    """Read one source through the cache (the single-source form of lookup_many + fill)."""
    lookup = Lookup(source, table, filters, loader, ttl)
    found = lookup_many([lookup], tally=tally, use_cache=use_cache, intent=intent)
    if source in found.hits:
        return found.hits[source]
    return fill(lookup, found.to_fill[source], tally=tally, use_cache=use_cache, intent=intent)


def _fill(slot: Slot, lookup: Lookup, tally: stats.Tally, intent: str) -> CacheRead:
    """A miss: one thread per process and one worker across processes reads the database."""
    lock = _lock_for(slot.key)
    contended = not lock.acquire(blocking=False)
    if contended:
        lock.acquire()
    try:
        return _fill_holding_lock(slot, lookup, tally, intent, contended)
    finally:
        lock.release()


def _fill_holding_lock(
    slot: Slot, lookup: Lookup, tally: stats.Tally, intent: str, contended: bool
) -> CacheRead:
    """The cross-worker fill lock is not deleted after the fill: it expires within seconds,
    and any later reader finds the value (or, after a write, a different key) first."""
    source, loader, key = lookup.source, lookup.loader, slot.key
    try:
        if contended and (found := cache.get(key)) is not None:  # filled while we waited
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
    value = _load(lookup, slot)
    _store(key, value, lookup, tally)
    return CacheRead(value, "miss")


def _wait_for_fill(key: str) -> tuple[Any] | None:
    deadline = time.monotonic() + FILL_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(FILL_POLL_SECONDS)
        found = cache.get(key)
        if found is not None:
            return found
    return None


def entry_info(lookup: Lookup) -> dict[str, Any]:
    """What an entry holds, stored beside its rows for the cache admin pages."""
    return {
        "source": lookup.source,
        "table": lookup.table,
        "filters": lookup.filters,
        "fingerprint": lookup.fingerprint,
        "ttl": lookup.ttl,
        "stored_at": time.time(),
    }


def _store(key: str, value: Any, lookup: Lookup, tally: stats.Tally) -> None:
    # A tuple, so that a cached empty result is told apart from a missing key; readers take
    # element 0 (the rows), element 1 describes the entry.
    try:
        cache.set(key, (value, entry_info(lookup)), timeout=lookup.ttl)
    except Exception as exc:
        _Down.mark(lookup.source, exc)
        return
    metrics.CACHE_OPERATIONS.labels(lookup.source, "write").inc()
    tally.add("write", lookup.source)


def _count(tally: stats.Tally, result: str, source: str, intent: str) -> None:
    metrics.CACHE_OPERATIONS.labels(source, result).inc()
    tally.add(result, source, intent)
