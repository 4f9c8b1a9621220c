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
"""

import logging
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import DatabaseError, connections

from hawk.database.replicas import is_down, mark_down, replicas_of
from hawk.database.routers import HAWK_TABLES
from hawk.datacache.changefeed import sql
from hawk.datacache.generations import required_position
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
