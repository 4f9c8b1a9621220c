"""Which database a cache fill reads: a replica only when it is exact (docs/operations.md,
"Scale-out").

An entry is keyed on its table's generation, read from the primary (or the shared cache)
before any row. A replica serves the fill only once it has replayed the write that made that
generation, so the rows it returns are at least as new as the key says:
- a generation the trigger feed keeps is a row of hawk_agent.generation, written in the
  writer's own transaction: the replica has replayed that transaction's commit once its own
  copy of the row is at that generation or past it;
- a generation Django keeps in Redis has a WAL position (generations.record_write, taken after
  the commit): the replica must have replayed up to it (pg_last_wal_replay_lsn()).
Otherwise, and when the replica is down, promoted, or further behind than
HAWK_REPLICA_MAX_LAG_SECONDS, the fill reads the primary; hawk_replica_fills_total counts both.

Direct reads that are no cache fill (the analytics API) use the same rules through
`read_exactly`: a replica serves them when it is exact for every table they read (a table
without a generation, such as run history, needs the primary's WAL position at the start of
the read: every commit before it); counted in hawk_replica_reads_total.
"""

import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from django.conf import settings
from django.db import DatabaseError, connections

from hawk.database.replicas import (
    is_down,
    mark_down,
    reading_from,
    replicas_of,
    write_position,
)
from hawk.database.routers import HAWK_TABLES, hawk_table_alias
from hawk.datacache.changefeed import sql
from hawk.datacache.generations import read_generations, required_position
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

# Lag is 0 when everything received is replayed (an idle primary is not lag).
_STATE = """SELECT pg_is_in_recovery(),
    CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
         ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()),
                       'Infinity') END,
    pg_last_wal_replay_lsn() - '0/0'::pg_lsn"""
_FEED_GENERATION = f"SELECT generation FROM {sql.SCHEMA}.generation WHERE table_name = %s"  # noqa: S608


@dataclass(frozen=True)
class Need:
    """What a fill of `table` at `generation` needs of a replica of `primary`."""

    primary: str
    table: str
    generation: int
    from_feed: bool


def fill_database(need: Need) -> str:
    """The alias the fill reads: a replica that is exact for it, else the primary."""
    replicas = replicas_of(need.primary)
    if not replicas or connections[need.primary].in_atomic_block:
        return need.primary
    if not need.from_feed and need.table in HAWK_TABLES and settings.HAWK_CHANGE_FEED == "logical":
        # The slot reader bumps without a WAL position: the primary only.
        return _primary(need, "unknown")
    try:
        needed = 0 if need.from_feed else required_position(need.primary, need.table)
    except Exception as exc:
        logger.warning("WAL position of %s unknown, reading the primary: %s", need.table, exc)
        return _primary(need, "unknown")
    reasons = set()
    for replica in replicas:
        reason = _check(replica, need, needed)
        if reason is None:
            metrics.REPLICA_FILLS.labels(need.primary, "replica").inc()
            return replica
        reasons.add(reason)
    # Counted under the reason of the replica that came closest.
    return _primary(need, next(r for r in ("behind", "lagging", "down") if r in reasons))


def _primary(need: Need, reason: str) -> str:
    metrics.REPLICA_FILLS.labels(need.primary, f"primary_{reason}").inc()
    return need.primary


def _check(replica: str, need: Need, needed: int) -> str | None:
    """None when `replica` may serve the fill, else why not (down, lagging, behind)."""
    if is_down(replica):
        return "down"
    try:
        return _check_replica(replica, need, needed)
    except (DatabaseError, psycopg.Error) as exc:
        logger.warning("read replica %s unavailable: %s", replica, exc)
        mark_down(replica)
        return "down"


def _check_replica(replica: str, need: Need, needed: int) -> str | None:
    with connections[replica].cursor() as cursor:
        cursor.execute(_STATE)
        in_recovery, lag, replayed = cursor.fetchone()
        if not in_recovery:
            return "down"  # promoted: no longer follows the primary
        if float(lag) > settings.HAWK_REPLICA_MAX_LAG_SECONDS:
            return "lagging"
        if not need.from_feed:
            return None if int(replayed) >= needed else "behind"
        cursor.execute(_FEED_GENERATION, [need.table])
        row = cursor.fetchone()
    return None if row and int(row[0]) >= need.generation else "behind"


# --- direct reads (analytics) -----------------------------------------------------------------

T = TypeVar("T")
# Set while a read_exactly call has chosen: a nested one reads where the outer one chose.
_CHOSEN: ContextVar[bool] = ContextVar("hawk_replica_chosen", default=False)


@dataclass(frozen=True)
class TableNeed:
    """What a replica must have replayed to serve direct reads of `table`: its generation
    (from_feed) or a WAL position."""

    table: str
    generation: int
    from_feed: bool
    position: int


def read_exactly(tables: Iterable[str], read: Callable[[], T]) -> T:
    """`read()` with its reads of `tables` on a replica exact for all of them (per primary),
    else on the primary. A replica failing midway hands the whole read to the primary."""
    if _CHOSEN.get():
        return read()
    chosen = {primary: _replica_for(primary, names) for primary, names in _by_primary(tables)}
    on_replicas = {primary: alias for primary, alias in chosen.items() if alias != primary}
    token = _CHOSEN.set(True)
    try:
        if not on_replicas:
            return read()
        try:
            with contextlib.ExitStack() as stack:
                for primary, replica in on_replicas.items():
                    stack.enter_context(reading_from(primary, replica))
                return read()
        except (DatabaseError, psycopg.Error) as exc:
            logger.warning("read replica failed a read, reading the primary: %s", exc)
            for replica in on_replicas.values():
                mark_down(replica)
            return read()
    finally:
        _CHOSEN.reset(token)


def _by_primary(tables: Iterable[str]) -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for table in sorted(set(tables)):
        grouped[hawk_table_alias(table)].append(table)
    return list(grouped.items())


def _replica_for(primary: str, tables: list[str]) -> str:
    replicas = replicas_of(primary)
    if not replicas or connections[primary].in_atomic_block:
        return primary
    try:
        needs = _table_needs(primary, tables)
    except Exception as exc:
        logger.warning("generations of %s unknown, reading the primary: %s", tables, exc)
        return _read_on_primary(primary, "unknown")
    reasons = set()
    for replica in replicas:
        reason = _check_tables(replica, needs)
        if reason is None:
            metrics.REPLICA_READS.labels(primary, "replica").inc()
            return replica
        reasons.add(reason)
    return _read_on_primary(primary, next(r for r in ("behind", "lagging", "down") if r in reasons))


def _read_on_primary(primary: str, reason: str) -> str:
    metrics.REPLICA_READS.labels(primary, f"primary_{reason}").inc()
    return primary


def _table_needs(primary: str, tables: list[str]) -> list[TableNeed]:
    """The HAWK tables by their generations (as a fill would need them); the others by the
    primary's position now. Raises when a generation or position is unknown."""
    hawk_tables = [table for table in tables if table in HAWK_TABLES]
    generations = read_generations(hawk_tables) if hawk_tables else None
    now = write_position(primary)
    needs = []
    for table in tables:
        if generations is None or table not in generations.values:
            needs.append(TableNeed(table, 0, False, now))
        elif table in generations.from_feed:
            needs.append(TableNeed(table, generations.values[table], True, 0))
        elif settings.HAWK_CHANGE_FEED == "logical":
            raise RuntimeError(f"{table}: the slot reader bumps without a WAL position")
        else:
            needs.append(TableNeed(table, 0, False, required_position(primary, table)))
    return needs


def _check_tables(replica: str, needs: list[TableNeed]) -> str | None:
    if is_down(replica):
        return "down"
    try:
        with connections[replica].cursor() as cursor:
            cursor.execute(_STATE)
            in_recovery, lag, replayed = cursor.fetchone()
            if not in_recovery:
                return "down"
            if float(lag) > settings.HAWK_REPLICA_MAX_LAG_SECONDS:
                return "lagging"
            for need in needs:
                if not need.from_feed and int(replayed) < need.position:
                    return "behind"
                if need.from_feed:
                    cursor.execute(_FEED_GENERATION, [need.table])
                    row = cursor.fetchone()
                    if not row or int(row[0]) < need.generation:
                        return "behind"
    except (DatabaseError, psycopg.Error) as exc:
        logger.warning("read replica %s unavailable: %s", replica, exc)
        mark_down(replica)
        return "down"
    return None
