"""A rolling restart under 20 users: two uvicorn workers behind HAProxy (tests/haproxy.py, which
sends only to workers whose /health/ready is 200), worker A restarted (SIGTERM, drained, started
again, ready), then worker B, while 20 users stream prompts without pause. Every stream ends
with message_end or the `server_restarting` error event (a stream the drain cut; the user sends
it again), none is broken, no request is refused or fails otherwise, and no run is left
`running`: the cut ones are `cancelled`."""

import asyncio
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO

import httpx
import pytest
from rest_framework.authtoken.models import Token

from hawk.models import AgentRun
from tests.dify_server import API_KEY, DifyStandIn
from tests.haproxy import haproxy
from tests.scaleout.streams import Streamed, stream_prompt
from tests.uvicorn_process import UvicornProcess, free_port, server_env

pytestmark = [pytest.mark.usefixtures("committed_demo"), pytest.mark.redis]
USERS = 20
DRAIN_SECONDS = "2"
# Sixteen answer parts 0.25 s apart: a stream lasts about 4 s. A worker told to stop stays
# in service for the notice (1.5 s, until HAProxy's checks take it out) and then drains for
# 2 s: a stream in flight that began more than about 0.5 s before the stop signal finishes, a
# younger one is cut, so both endings happen. (Ten parts, 2.5 s, let a fast worker finish
# every stream inside notice and drain, and no stream was cut.)
ANSWERS = ["Capacity ", "for CNY 150,000.00 ", "is ample: PASS."] + [" "] * 13
STEADY_SECONDS = 3.0  # of load before the first restart and after the last
SETTLE_SECONDS = 1.0  # for HAProxy to see a restarted worker ready (checks every 300 ms)
LOAD_LIMIT_SECONDS = 90.0


class Workers:
    """Two workers on fixed ports (the proxy's servers), each restartable on its port."""

    def __init__(self, env: dict[str, str], log: IO[bytes], stack: ExitStack) -> None:
        self.env, self.log, self.stack = env, log, stack
        self.ports = {"a": free_port(), "b": free_port()}
        self.running = {name: self._start(name) for name in self.ports}

    def _start(self, name: str) -> UvicornProcess:
        worker = UvicornProcess(self.env, self.log, port=self.ports[name])
        self.stack.callback(worker.stop)
        worker.wait_until_healthy("/health/ready")
        return worker

    def restart(self, name: str) -> dict[str, float]:
        """SIGTERM, wait for the drained worker to exit, start it again, wait until ready."""
        started = time.monotonic()
        old = self.running[name]
        old.terminate()
        old.wait_exited(30)
        exited = time.monotonic()
        self.running[name] = self._start(name)
        ready = time.monotonic()
        time.sleep(SETTLE_SECONDS)
        return {"drain_s": exited - started, "start_s": ready - exited}


async def user(proxy_url: str, token: str, stop: asyncio.Event, seen: list[Streamed]) -> None:
    """Streams prompts one after the other until `stop`; a cut prompt is sent again after its
    Retry-After, as the Angular app does."""
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=proxy_url, headers=headers, timeout=30) as client:
        while not stop.is_set():
            started = time.monotonic()
            streamed = await stream_prompt(client)
            streamed.headers["x-test-seconds"] = f"{time.monotonic() - started:.3f}"
            seen.append(streamed)
            if streamed.outcome != "completed":
                await asyncio.sleep(1)


async def load_during(restarts, proxy_url: str, tokens: list[str]) -> list[Streamed]:
    stop, seen = asyncio.Event(), []
    users = [asyncio.create_task(user(proxy_url, token, stop, seen)) for token in tokens]
    try:
        await asyncio.sleep(STEADY_SECONDS)
        await asyncio.to_thread(restarts)
        await asyncio.sleep(STEADY_SECONDS)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*users), LOAD_LIMIT_SECONDS)
    return seen


@pytest.fixture
def tokens(make_user) -> list[str]:
    return [Token.objects.create(user=make_user(f"roller{n}", "analyst")).key for n in range(USERS)]


@pytest.fixture
def workers(dify_server: DifyStandIn) -> Iterator[Workers]:
    dify_server.scenario, dify_server.answers, dify_server.delay = "answer", ANSWERS, 0.25
    env = server_env(
        DIFY_BASE_URL=dify_server.url,
        DIFY_API_KEY=API_KEY,
        HAWK_DRAIN_SECONDS=DRAIN_SECONDS,
        HAWK_DRAIN_NOTICE_SECONDS="1.5",  # two failed checks 300 ms apart, with room
    )
    with tempfile.TemporaryFile() as log, ExitStack() as stack:
        yield Workers(env, log, stack)


def runs_still_running(run_ids: list[str], wait: float = 10.0) -> list[str]:
    deadline = time.monotonic() + wait
    while True:
        running = AgentRun.objects.filter(run_id__in=run_ids, status=AgentRun.Status.RUNNING)
        left = [str(run.run_id) for run in running]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def test_a_rolling_restart_of_two_workers_under_20_users_drops_no_stream(
    workers: Workers, tokens: list[str]
) -> None:
    timings: dict[str, dict[str, float]] = {}

    def restarts() -> None:
        timings["a"] = workers.restart("a")
        timings["b"] = workers.restart("b")

    with haproxy(workers.ports) as proxy:
        began = time.monotonic()
        seen = asyncio.run(load_during(restarts, proxy.url, tokens))
        took = time.monotonic() - began
        stats = proxy.backend_stats()
    outcomes = Counter(streamed.outcome for streamed in seen)
    seconds = sorted(float(streamed.headers["x-test-seconds"]) for streamed in seen)
    p95 = statistics.quantiles(seconds, n=20)[-1]
    print(f"rolling restart: {len(seen)} streams in {took:.0f} s, {dict(outcomes)}, "
          f"restarts {timings}, stream p95 {p95:.2f} s; at the proxy: retried "
          f"{stats['wretr']}, redispatched {stats['wredis']}, 5xx from workers "
          f"{stats['hrsp_5xx']}, refused connections {stats['econ']}")  # fmt: skip
    broken = [(s.status, s.failure, s.events[-1:], s.body) for s in seen if s.outcome == "broken"]
    assert broken == []
    assert set(outcomes) <= {"completed", "server_restarting"}  # none refused by a draining one
    assert outcomes["completed"] > USERS and outcomes["server_restarting"] >= 1
    run_ids = [streamed.run_id for streamed in seen]
    assert runs_still_running(run_ids) == []
    cut = [s.run_id for s in seen if s.outcome == "server_restarting"]
    assert set(AgentRun.objects.filter(run_id__in=cut).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_with_every_worker_unready_for_redis_the_proxy_still_sends_to_them_degraded() -> None:
    """Redis down makes every worker unready at once; they still answer from the database,
    so the proxy falls back to its unchecked backup entries instead of refusing everyone."""
    env = server_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with tempfile.TemporaryFile() as log, ExitStack() as stack:
        worker = UvicornProcess(env, log)
        stack.callback(worker.stop)
        worker.wait_until_healthy("/health")
        assert httpx.get(f"{worker.url}/health/ready", timeout=5).status_code == 503
        with haproxy({"a": worker.port}) as proxy:
            time.sleep(1.5)  # two failed checks: the worker is out of the rotation
            health = httpx.get(f"{proxy.url}/health", timeout=5)
            assert proxy.backend_stats()["status"] == "UP"  # served by the backup entry
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
