"""The pool's check (hawk.database.postgresql): a connection resting in the pool is handed out
without a round trip; one the server has ended is found and replaced before anyone gets it."""

import select
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from hawk.database.postgresql.base import check_if_spoken_to

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The backend pids psycopg_pool's own check (the round trip) ran on."""
    ran: list[int] = []
    real_check = ConnectionPool.check_connection

    def counted(conn: psycopg.Connection[Any]) -> None:
        ran.append(conn.info.backend_pid)
        real_check(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return ran


@pytest.fixture
def pool() -> Iterator[ConnectionPool]:
    """A pool of one connection built as the service builds its own."""
    pool = ConnectionPool(
        kwargs={**connection.get_connection_params(), "autocommit": True},
        min_size=1,
        max_size=1,
        check=check_if_spoken_to,
        open=True,
    )
    pool.wait(timeout=5)
    yield pool
    pool.close()


def terminate(pid: int) -> None:
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_the_service_pools_use_the_check_without_a_round_trip(db):
    assert connection.settings_dict["ENGINE"] == "hawk.database.postgresql"
    assert connection.pool is not None
    assert connection.pool._check is check_if_spoken_to


def test_a_resting_connection_is_handed_out_without_a_round_trip(pool, checks):
    for _ in range(3):
        with pool.connection() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert checks == []


def test_a_connection_the_server_ended_is_replaced_before_it_is_handed_out(pool, checks):
    with pool.connection() as conn:
        ended = conn.info.backend_pid
        socket = conn.pgconn.socket
    terminate(ended)
    poller = select.poll()
    poller.register(socket, select.POLLIN)
    assert poller.poll(5000), "the server said nothing of the termination"
    with pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.backend_pid != ended
    assert checks == [ended]
