"""Read replicas: which database a read goes to (docs/operations.md, "Scale-out").

Every read goes to its primary unless the caller names a replica for it with `reading_from`,
which the data cache does for a fill once the replica has replayed the write its generation
stands for (hawk.datacache.replica_reads). Writes always go to the primary. A replica that
failed to answer is left alone for HAWK_REPLICA_RETRY_SECONDS in this process."""

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

# primary alias -> the replica alias its reads go to, in this context only.
_READ_FROM: ContextVar[dict[str, str] | None] = ContextVar("hawk_read_from", default=None)

_down_until: dict[str, float] = {}
_down_lock = threading.Lock()

_POSITION = "SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn"


def replicas_of(primary: str) -> list[str]:
    return list(settings.DATABASE_REPLICAS.get(primary, []))


def is_replica(alias: str) -> bool:
    return any(alias in aliases for aliases in settings.DATABASE_REPLICAS.values())


def routed(primary: str) -> str:
    """The alias a read of `primary`'s tables goes to in this context."""
    return (_READ_FROM.get() or {}).get(primary, primary)


@contextlib.contextmanager
def reading_from(primary: str, replica: str) -> Iterator[None]:
    token = _READ_FROM.set({**(_READ_FROM.get() or {}), primary: replica})
    try:
        yield
    finally:
        _READ_FROM.reset(token)


def mark_down(alias: str) -> None:
    with _down_lock:
        _down_until[alias] = time.monotonic() + settings.HAWK_REPLICA_RETRY_SECONDS


def is_down(alias: str) -> bool:
    with _down_lock:
        return time.monotonic() < _down_until.get(alias, 0.0)


def write_position(primary: str) -> int:
    """The primary's WAL insert position now, in bytes: past every record of every transaction
    committed before this call (insert, not write or flush: with synchronous_commit=off a
    commit is visible before its record is written out)."""
    with connections[primary].cursor() as cursor:
        cursor.execute(_POSITION)
        return int(cursor.fetchone()[0])
