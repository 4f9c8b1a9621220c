"""Django's PostgreSQL backend (ENGINE "hawk.database.postgresql"), its pool checking a
connection with a round trip only when the server may have left it.

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

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


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


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool  # type: ignore[misc]  # django-stubs lack Django 5.1's pool
        # Django builds the pool with psycopg_pool's check when CONN_HEALTH_CHECKS is on; the
        # pool takes its check only as it is built, so it is swapped here, once.
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = check_if_spoken_to
        return pool
