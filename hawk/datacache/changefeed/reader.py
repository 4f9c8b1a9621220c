"""The logical feed's slot reader: one per deployment (an advisory lock elects it among the
workers), on its own connection. It bumps the generations of the HAWK tables the slot decodes,
then advances the slot past them (at-least-once); a missing or lost slot bumps every HAWK
table and is recreated. Exactness never rests on it (logical.unread_tables): it keeps the slot
short, so extractions find little or nothing to peek at, and the WAL it holds small."""

import logging
import zlib

import psycopg
from django.conf import settings
from django.db import connections

from hawk.database.routers import HAWK_TABLES, hawk_alias
from hawk.datacache.changefeed import logical
from hawk.datacache.changefeed.background import FeedThread, conninfo
from hawk.datacache.changefeed.state import STATE
from hawk.datacache.generations import bump_tables
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

# Rows decoded per poll at most (a larger transaction comes whole); a full batch is followed
# by the next one at once.
BATCH_ROWS = 5_000


def lock_key(slot: str) -> int:
    """The advisory-lock key of the slot's reader: fixed for a slot name, in bigint range."""
    return zlib.crc32(f"hawk_agent.slot_reader:{slot}".encode())


class SlotReader(FeedThread):
    name = "change-feed slot reader"

    def __init__(self, conninfo: str, slot: str) -> None:
        super().__init__(conninfo)
        self.key = lock_key(slot)

    def session(self, connection: psycopg.Connection) -> None:
        if not self._elected(connection):
            return
        self.connected(True)
        logger.info("change-feed slot reader elected")
        with connection.cursor() as cursor:
            while not self.stopping.is_set():
                if not self._poll(cursor):
                    self.stopping.wait(settings.HAWK_CHANGE_FEED_POLL_SECONDS)

    def _elected(self, connection: psycopg.Connection) -> bool:
        """Wait for the lock (held until this connection ends); False when stopping."""
        while not self.stopping.is_set():
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", [self.key]).fetchone()
            if row and row[0]:
                return True
            self.stopping.wait(settings.HAWK_CHANGE_FEED_RECONNECT_SECONDS)
        return False

    def _poll(self, cursor: psycopg.Cursor) -> bool:
        """One round; True when more may be waiting at once."""
        status = logical.slot_status(cursor)
        if status in (logical.MISSING, logical.LOST):
            self._recreate(cursor, status)
            return False
        if status == logical.CURRENT:
            return False
        try:
            batch = logical.peek(cursor, BATCH_ROWS)
            self._consume(cursor, batch)
        except psycopg.errors.ObjectInUse:  # an extraction is peeking: again next round
            return False
        return batch.rows >= BATCH_ROWS

    def _consume(self, cursor: psycopg.Cursor, batch: logical.Batch) -> None:
        # Bump before advancing: a crash between the two bumps again, never loses a change.
        bump_tables(batch.changes)
        for table, count in batch.changes.items():
            metrics.CHANGE_EVENTS.labels(table).inc(count)
            STATE.event(table, None)
        if batch.last_commit is None:
            logical.heartbeat(cursor)  # behind on WAL without a change here: make one
        else:
            logical.advance(cursor, batch)

    @staticmethod
    def _recreate(cursor: psycopg.Cursor, status: str) -> None:
        slot = logical.slot_name()
        logger.warning("change feed slot %s is %s: bumping every HAWK table", slot, status)
        # Before: for the writes the old slot lost. After: for those committed while the new
        # one was being created, which it does not hold.
        bump_tables(HAWK_TABLES)
        logical.create_slot(cursor)
        bump_tables(HAWK_TABLES)


_reader: SlotReader | None = None


def start_reader() -> SlotReader | None:
    """Start this worker's slot reader (logical mode on Postgres only); idempotent. Only the
    one holding the advisory lock reads; the others wait to take over."""
    global _reader
    alias = hawk_alias()
    if settings.HAWK_CHANGE_FEED != "logical" or connections[alias].vendor != "postgresql":
        return None
    if _reader is None:
        _reader = SlotReader(conninfo(alias), logical.slot_name())
        _reader.start()
    return _reader


def stop_reader() -> None:
    global _reader
    if _reader is not None:
        _reader.stop()
        _reader = None
