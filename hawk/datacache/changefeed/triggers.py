"""Trigger mode: the generations the triggers keep in the HAWK database, read with one indexed
query at the start of each extraction, so a worker never keys the cache on a generation older
than a committed write, whether or not its listener heard of it."""

import contextlib
import logging
import time
from collections.abc import Iterable

import psycopg
from django.conf import settings
from django.db import DatabaseError, connections, transaction

from hawk.database.routers import HAWK_TABLES, hawk_alias
from hawk.datacache.changefeed import sql
from hawk.datacache.changefeed.state import STATE
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

# While the feed is not installed, look again this often (an operator may install it).
RECHECK_SECONDS = 10.0

_READ = (
    f"SELECT table_name, generation FROM {sql.SCHEMA}.generation "  # noqa: S608 (constants)
    "WHERE table_name = ANY(%s)"
)
_INSTALLED = f"SELECT to_regclass('{sql.SCHEMA}.generation') IS NOT NULL"


def active() -> bool:
    return settings.HAWK_CHANGE_FEED == "triggers" and _postgres()


def _postgres() -> bool:
    return connections[hawk_alias()].vendor == "postgresql"


def _installed() -> bool:
    now = time.monotonic()
    if STATE.installed is None or (
        not STATE.installed and now - STATE.installed_checked > RECHECK_SECONDS
    ):
        with connections[hawk_alias()].cursor() as cursor:
            cursor.execute(_INSTALLED)
            STATE.installed = bool(cursor.fetchone()[0])
        STATE.installed_checked = now
        if not STATE.installed:
            logger.warning("change feed (triggers) is not installed: run install_change_feed")
    return bool(STATE.installed)


def savepoint_if_in_transaction(alias: str) -> contextlib.AbstractContextManager:
    # A failed read must not break the caller's transaction.
    if connections[alias].in_atomic_block:
        return transaction.atomic(using=alias)
    return contextlib.nullcontext()


def feed_generations(tables: Iterable[str]) -> dict[str, int]:
    """The trigger-kept generation of each of `tables` the feed covers: {} when the feed is
    not in trigger mode or not installed (the caches then key on Django's own bumps)."""
    covered = sorted(set(tables) & HAWK_TABLES)
    if not covered or not active() or not _installed():
        return {}
    alias = hawk_alias()
    try:
        with savepoint_if_in_transaction(alias), connections[alias].cursor() as cursor:
            cursor.execute(_READ, [covered])
            rows = cursor.fetchall()
    except DatabaseError as exc:
        if not isinstance(exc.__cause__, psycopg.errors.UndefinedTable):
            metrics.GENERATION_READS.labels("error").inc()
            raise
        STATE.installed, STATE.installed_checked = False, time.monotonic()
        metrics.GENERATION_READS.labels("not_installed").inc()
        return {}
    metrics.GENERATION_READS.labels("ok").inc()
    return {table: int(generation) for table, generation in rows}
