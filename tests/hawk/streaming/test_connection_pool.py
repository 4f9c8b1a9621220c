"""Many users at once on a small database connection pool (issue 8, item 14): a request never
holds a pooled connection while it waits for others of the same pool, so concurrent requests
queue briefly for a connection instead of timing out with 503s."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.hawk.streaming.pool_support import (
    POOL_TIMEOUT_MESSAGE,
    USERS,
    bodies_for,
    post_at_once,
)
from tests.uvicorn_process import UvicornProcess, uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("committed_demo")]


def pool_errors(url: str) -> float:
    """hawk_db_pool_errors_total of the server (loopback may scrape)."""
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith("hawk_db_pool_errors_total "):
            return float(line.split()[1])
    raise AssertionError("hawk_db_pool_errors_total is not exported")


@pytest.fixture(scope="module")
def small_pool_server(django_db_setup) -> Iterator[UvicornProcess]:
    """One worker on a pool of two connections; failing requests wait at most 5 s for one."""
    with uvicorn_process(
        DATABASE_POOL_MIN="1", DATABASE_POOL_MAX="2", DATABASE_POOL_TIMEOUT="5"
    ) as server:
        yield server


def test_concurrent_context_requests_on_a_pool_of_two_all_succeed(small_pool_server, analyst_token):
    server = small_pool_server
    statuses = asyncio.run(
        post_at_once(server.url, analyst_token, "/hawk-agent/context", bodies_for(USERS))
    )
    errors, log = pool_errors(server.url), server.log_text()
    assert statuses == [200] * USERS, log[-2000:]
    assert errors == 0
    assert POOL_TIMEOUT_MESSAGE not in log


def test_concurrent_unstreamed_runs_on_a_pool_of_two_all_succeed(small_pool_server, analyst_token):
    server = small_pool_server
    bodies = [{**body, "stream": False} for body in bodies_for(USERS)]
    statuses = asyncio.run(
        post_at_once(server.url, analyst_token, "/hawk-agent/process-prompt", bodies)
    )
    errors, log = pool_errors(server.url), server.log_text()
    assert statuses == [200] * USERS, log[-2000:]
    assert errors == 0
    assert POOL_TIMEOUT_MESSAGE not in log
