"""Every pooled connection killed at once (what a Postgres restart or failover does to an idle
worker): the pool checks a connection before handing it out (CONN_HEALTH_CHECKS), so the next
requests get fresh connections and none of them fails with a 503."""

import asyncio

import pytest
from django.db import connection

from tests.hawk.streaming.pool_support import USERS, bodies_for, post_at_once
from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("committed_demo")]
APPLICATION = "hawk-pool-under-test"  # libpq's PGAPPNAME: the server's connections only
TERMINATE_SERVER_CONNECTIONS = """
    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = %s
"""


def terminate_server_connections() -> int:
    """The server's pooled connections (this test process keeps its own)."""
    with connection.cursor() as cursor:
        cursor.execute(TERMINATE_SERVER_CONNECTIONS, [APPLICATION])
        return cursor.fetchone()[0]


def test_requests_after_the_pool_connections_are_killed_all_succeed(analyst_token):
    pool = {"DATABASE_POOL_MIN": "4", "DATABASE_POOL_MAX": "6", "PGAPPNAME": APPLICATION}
    with uvicorn_process(**pool) as server:
        path, bodies = "/hawk-agent/context", bodies_for(USERS)
        assert asyncio.run(post_at_once(server.url, analyst_token, path, bodies)) == [200] * USERS
        assert terminate_server_connections() >= 4
        statuses = asyncio.run(post_at_once(server.url, analyst_token, path, bodies))
        log = server.log_text()
    assert statuses == [200] * USERS, log[-2000:]
