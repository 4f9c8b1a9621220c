"""Django's PostgreSQL backend (ENGINE "hawk.database.postgresql"), its pool checking a
connection with a round trip only when the server may have left it, and its JSON columns'
values written by orjson.

Django's check (CONN_HEALTH_CHECKS: psycopg_pool's check_connection) is an empty query per
checkout: half of a run's round trips to Postgres (its 4 statements, 4 checks). A connection
resting in the pool hears nothing from the server unless the server is ending it (a restart,
a failover, pg_terminate_backend, idle_session_timeout): the server then writes its error and
closes, and the socket turns readable. So the check first asks the operating system (a poll
of the socket, no round trip) and makes the round trip only for a connection that has
something to read or that libpq already knows is bad; such a connection is then replaced
before any request gets it, as before. A peer gone without a word (a host lost, a cable cut)
is not seen by either check before its first statement times out.
"""

import json
import select
from typing import Any

import orjson
import psycopg
from django.db.backends.postgresql import base, operations
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

# What orjson writes beyond json.dumps's own types is handed to json.dumps, which writes it
# or refuses it as before: dates and times (json.dumps refuses them), dataclasses.
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def check_if_spoken_to(conn: psycopg.Connection[Any]) -> None:
    """psycopg_pool's check, run only for a connection the server may have ended."""
    if _may_be_ended(conn):
        ConnectionPool.check_connection(conn)


def _may_be_ended(conn: psycopg.Connection[Any]) -> bool:
    if conn.closed or conn.broken or conn.pgconn.status != psycopg.pq.ConnStatus.OK:
        return True
    return _has_news(conn.pgconn.socket)


def _has_news(fd: int) -> bool:
    """Something to read, a hang-up or an error on the socket, without waiting."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def json_dumps(value: Any) -> bytes | str:
    """A JSON column's value as json.dumps writes it, by orjson (jsonb keeps no spacing): a
    run's history row has four, about 2% of a loaded worker's time with the standard library.
    What orjson refuses (an integer past 64 bits, a key of another type) goes to json.dumps."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(value)


class DatabaseOperations(operations.DatabaseOperations):
    def adapt_json_value(self, value: Any, encoder: type[json.JSONEncoder] | None) -> Any:
        if encoder is None:  # a field with an encoder of its own keeps it
            return Jsonb(value, dumps=json_dumps)
        return super().adapt_json_value(value, encoder)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool  # type: ignore[misc]  # django-stubs lack Django 5.1's pool
        # Django builds the pool with psycopg_pool's check when CONN_HEALTH_CHECKS is on; the
        # pool takes its check only as it is built, so it is swapped here, once.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = check_if_spoken_to
        return pool
