"""Postgres restarted under a real uvicorn worker: a private cluster (tests/pg_cluster.py, never
the shared server) holding a copy of the test database, the worker pointed at it.

Idle: the first requests after a real restart all succeed (every pooled connection died with
the server; the pool checks each before handing it out). Under load: 30 users posting whole
runs for 45 s with Postgres down for 8 s in the middle (longer than the pool
timeout, so that requests are also asked while it is down); what was asked during the outage is
answered 200 or 503 `unavailable` (never a 500, a stack trace or a hang), nothing asked after
it is back fails, and no run is left `running`."""

import asyncio
import time

import psycopg
import pytest
from django.db import connection

from tests.hawk.streaming.pool_support import USERS, bodies_for, post_at_once
from tests.pg_cluster import Cluster, restartable_cluster
from tests.restart_load import load_with_restart
from tests.uvicorn_process import database_url, uvicorn_process

__all__ = ["restartable_cluster"]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("committed_demo")]
LOAD_USERS, LOAD_SECONDS, RESTART_AFTER, DOWNTIME = 30, 45.0, 12.0, 8.0
# Bounded waits while Postgres is down: a request answers 503 within seconds, never hangs.
OUTAGE_BOUNDS = {"DATABASE_POOL_TIMEOUT": "3", "DATABASE_CONNECT_TIMEOUT": "2"}
RUNNING = "SELECT count(*) FROM hawk_agent_run WHERE status = 'running'"


@pytest.fixture
def private_url(restartable_cluster: Cluster, analyst_token: str) -> str:
    """A copy of the test database (demo data and the analyst committed) on the private
    cluster."""
    source = database_url(connection.settings_dict)
    return restartable_cluster.copy_database(source, "hawk_restart")


def running_runs(url: str, settle_seconds: float) -> int:
    """Runs still `running` once the endings delayed by the outage had time to be written."""
    deadline = time.monotonic() + settle_seconds
    while True:
        with psycopg.connect(url, autocommit=True) as db:
            count = db.execute(RUNNING).fetchone()[0]  # type: ignore[index]
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def test_requests_after_an_idle_restart_all_succeed(
    restartable_cluster: Cluster, private_url: str, analyst_token: str
):
    pool = {"DATABASE_URL": private_url, "DATABASE_POOL_MIN": "4", "DATABASE_POOL_MAX": "6"}
    with uvicorn_process(**pool, **OUTAGE_BOUNDS) as server:
        path, bodies = "/hawk-agent/context", bodies_for(USERS)
        assert asyncio.run(post_at_once(server.url, analyst_token, path, bodies)) == [200] * USERS
        restartable_cluster.restart()
        statuses = asyncio.run(post_at_once(server.url, analyst_token, path, bodies))
        log = server.log_text()
    assert statuses == [200] * USERS, log[-2000:]


def test_under_load_a_restart_fails_nothing_once_postgres_is_back_and_leaves_no_run_running(
    restartable_cluster: Cluster, private_url: str, analyst_token: str
):
    with uvicorn_process(DATABASE_URL=private_url, **OUTAGE_BOUNDS) as server:
        report = asyncio.run(
            load_with_restart(
                server.url,
                analyst_token,
                users=LOAD_USERS,
                seconds=LOAD_SECONDS,
                restart_after=RESTART_AFTER,
                stop=restartable_cluster.stop_server,
                start=restartable_cluster.start_server,
                downtime=DOWNTIME,
            )
        )
        left_running = running_runs(private_url, settle_seconds=15)
        log = server.log_text()
    print(f"\n{report.table()}\nruns left running: {left_running}")
    assert report.count("before", "ok") > 0 and report.count("after", "ok") > 0, report.table()
    assert report.others == [], (report.others[:5], log[-3000:])
    assert report.count("after", "unavailable") == 0, report.table()
    assert "Traceback" not in log
    assert left_running == 0
