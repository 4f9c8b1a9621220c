"""Logical mode (for databases where triggers are not allowed): one logical replication slot
(test_decoding) in the HAWK database records every committed change; the slot reader
(changefeed.reader, one per deployment) bumps the generations of the tables it decodes, then
advances the slot past them; every extraction first peeks at what the slot still holds.

The guarantee. An extraction that starts after a write to a HAWK table has committed (its
commit record flushed: with synchronous_commit on, the default, that is every commit a reader
can see) keys its cache entries on a generation of that table bumped after the commit, so it
never reads an entry filled with the rows from before the write, whether or not the slot
reader is running. Either the reader has bumped the table and then advanced the slot past the
write (bump before advance: at-least-once), or the write is still in the slot and
`unread_tables` returns the table, which the caller bumps before reading its generations. A
slot that is missing or invalidated (its WAL removed, `wal_status = 'lost'`) may have lost
changes: then every HAWK table counts as changed, until the reader has recreated the slot and
bumped every generation. One window stays open: a write committed while the reader recreates
a lost slot (between its first bump and the creation) is covered only by the reader's second
bump, milliseconds later. Peeking never advances the slot: only the reader consumes it.
"""

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import psycopg
from django.conf import settings
from django.db import OperationalError, connections

from hawk.database.routers import HAWK_TABLES, hawk_alias
from hawk.datacache.changefeed.triggers import savepoint_if_in_transaction

logger = logging.getLogger(__name__)

PLUGIN = "test_decoding"
# The rows one peek decodes at most (Postgres ends a peek at a commit past this count): an
# extraction that finds more treats every HAWK table as changed rather than read them all.
PEEK_LIMIT = 10_000
# A slot serves one session at a time: an extraction finding it busy (the reader or another
# worker peeking) waits this long at most, then treats every HAWK table as changed.
BUSY_WAIT_SECONDS = 2.0
BUSY_RETRY_SECONDS = 0.01
# How often a missing or lost slot is logged by each worker.
WARN_EVERY_SECONDS = 60.0

MISSING, LOST, BEHIND, CURRENT = "missing", "lost", "behind", "current"

# Decoding reads only flushed WAL: hence the flush position, not the write position.
_STATUS = (
    "SELECT wal_status, confirmed_flush_lsn < pg_current_wal_flush_lsn() "
    "FROM pg_replication_slots WHERE slot_name = %s"
)
# Grouped on the server, so a large transaction never reaches Python row by row. A change
# reads "table public.x: UPDATE: ...", a truncate "table public.x, public.y: TRUNCATE: ...";
# with include-xids off, a commit reads "COMMIT". Empty transactions are kept: the reader's
# heartbeat is one (a message is no change), and its COMMIT is what the slot advances to.
_PEEK = """WITH changes AS MATERIALIZED (
    SELECT lsn, data FROM pg_logical_slot_peek_changes(
        %s, NULL, %s, 'include-xids', '0', 'skip-empty-xacts', '0')
)
SELECT split_part(data, ': ', 1), count(*), max(lsn)::text FROM changes GROUP BY 1"""
_CREATE = f"SELECT pg_create_logical_replication_slot(%s, '{PLUGIN}')"
_DROP = "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s"
_ADVANCE = (
    "SELECT pg_replication_slot_advance(slot_name, %s::pg_lsn) FROM pg_replication_slots "
    "WHERE slot_name = %s AND confirmed_flush_lsn < %s::pg_lsn"
)
# A transaction of this database with nothing but a message: something to consume when the
# slot lags behind WAL it has no change in (other databases, rollbacks), so it can advance.
_HEARTBEAT = "SELECT pg_logical_emit_message(true, 'hawk_agent', 'heartbeat')"
_TABLE = re.compile(r"^public\.([a-z_][a-z0-9_]*)$")


class Cursor(Protocol):
    """A DB-API cursor: Django's (extractions) or psycopg's own (the slot reader)."""

    def execute(self, query: Any, params: Any = None, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> Any: ...


@dataclass
class Batch:
    """What one peek decoded: the changes per HAWK table, and where its last commit ends."""

    changes: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    last_commit: str | None = None

    @property
    def full(self) -> bool:
        """More may remain in the slot than this peek decoded."""
        return self.rows >= PEEK_LIMIT


def slot_name() -> str:
    return settings.HAWK_CHANGE_FEED_SLOT


def create_slot_sql() -> str:
    return f"SELECT pg_create_logical_replication_slot('{slot_name()}', '{PLUGIN}');\n"


def drop_slot_sql() -> str:
    return (
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "  # noqa: S608
        f"WHERE slot_name = '{slot_name()}';\n"  # (a name settings checked)
    )


def slot_status(cursor: Cursor) -> str:
    """MISSING, LOST (its WAL is gone), BEHIND (WAL past what it confirmed) or CURRENT."""
    cursor.execute(_STATUS, [slot_name()])
    row = cursor.fetchone()
    if row is None:
        return MISSING
    wal_status, behind = row
    if wal_status == "lost":
        return LOST
    return BEHIND if behind else CURRENT


def peek(cursor: Cursor, limit: int = PEEK_LIMIT) -> Batch:
    """The committed changes the slot holds (up to about `limit` rows), without consuming."""
    cursor.execute(_PEEK, [slot_name(), limit])
    batch = Batch()
    for head, count, lsn in cursor.fetchall():
        batch.rows += count
        if head == "COMMIT":
            batch.last_commit = lsn
        elif head.startswith("table "):
            for table in _hawk_tables(head.removeprefix("table ")):
                batch.changes[table] = batch.changes.get(table, 0) + count
    return batch


def _hawk_tables(names: str) -> list[str]:
    matches = (_TABLE.match(name) for name in names.split(", "))
    return [match[1] for match in matches if match and match[1] in HAWK_TABLES]


def advance(cursor: Cursor, batch: Batch) -> None:
    """Consume what `batch` decoded, up to the end of its last commit. Never further: the
    flush position may fall inside a commit record, and a slot confirmed past the start of a
    commit skips that transaction."""
    if batch.last_commit is not None:
        cursor.execute(_ADVANCE, [batch.last_commit, slot_name(), batch.last_commit])


def heartbeat(cursor: Cursor) -> None:
    cursor.execute(_HEARTBEAT)


def create_slot(cursor: Cursor) -> bool:
    """Create the slot when it is missing, or lost (dropped first). True when created."""
    status = slot_status(cursor)
    if status not in (MISSING, LOST):
        return False
    if status == LOST:
        cursor.execute(_DROP, [slot_name()])
    try:
        cursor.execute(_CREATE, [slot_name()])
    except Exception as exc:
        if not caused_by(exc, psycopg.errors.DuplicateObject):
            raise
        return False  # another process created it first
    return True


def caused_by(exc: BaseException, kind: type[Exception]) -> bool:
    """Whether `exc` is the psycopg error `kind`, raised directly or wrapped by Django."""
    return isinstance(exc, kind) or isinstance(exc.__cause__, kind)


def ensure_slot(alias: str) -> bool:
    """Idempotent. Must run outside a transaction that has written (Postgres's rule)."""
    with connections[alias].cursor() as cursor:
        return create_slot(cursor)


def drop_slot(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute(_DROP, [slot_name()])


def active() -> bool:
    return settings.HAWK_CHANGE_FEED == "logical" and (
        connections[hawk_alias()].vendor == "postgresql"
    )


def unread_tables(tables: Iterable[str]) -> set[str]:
    """Of `tables`, the HAWK tables with committed changes the slot still holds (all of them
    when the slot is missing, lost, busy or holds more than a peek decodes). Only `tables`:
    the caller keys on their generations alone, and every other extraction checks its own,
    so bumping other tables would only cost their cache entries. set() outside logical mode."""
    wanted = set(tables) & HAWK_TABLES
    if not wanted or not active():
        return set()
    return wanted & _changed_tables(hawk_alias())


def _changed_tables(alias: str) -> set[str]:
    with savepoint_if_in_transaction(alias), connections[alias].cursor() as cursor:
        status = slot_status(cursor)
    if status in (MISSING, LOST):
        _warn(f"change feed slot {slot_name()!r} is {status}: every HAWK table counts as changed")
        return set(HAWK_TABLES)
    if status == CURRENT:
        return set()
    batch = _peek_when_free(alias)
    if batch is None or batch.full:
        return set(HAWK_TABLES)
    return set(batch.changes)


def _peek_when_free(alias: str) -> Batch | None:
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while True:
        try:
            with savepoint_if_in_transaction(alias), connections[alias].cursor() as cursor:
                return peek(cursor)
        except OperationalError as exc:
            if not caused_by(exc, psycopg.errors.ObjectInUse):
                raise
            if time.monotonic() >= deadline:
                _warn(f"change feed slot {slot_name()!r} stayed busy: {exc}")
                return None
            time.sleep(BUSY_RETRY_SECONDS)


_last_warning = 0.0


def _warn(message: str) -> None:
    global _last_warning
    if time.monotonic() - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = time.monotonic()
        logger.warning(message)
