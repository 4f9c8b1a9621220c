"""Faults of every dependency, and clients that leave, against the real ASGI server with real
Postgres and Redis (behind stoppable proxies) and the Dify stand-in.

For each fault: the HTTP status, the events, the run's final row (never left `running`) and
the log line an operator would look for. Timeouts are small (settings), so the module is fast.

The tests only read the demo data, so it is committed once for the module (the server's
threads must see it) instead of being loaded and flushed around every test, which would cost
more than the tests; each test looks at its own run by its id.
"""

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connections
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect

from hawk.database.threads import in_db_thread
from hawk.models import AgentRun
from tests.conftest import restore_roles
from tests.hawk.demo import load_demo_data
from tests.hawk.streaming.support import parse_frame, read_frames
from tests.live import PROMPT
from tests.tcp_proxy import TcpProxy

# django_db: each test's own transaction sees what the server's threads commit (read committed).
pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.postgres]

PATH = "/hawk-agent/process-prompt"
ENDED = {"completed", "failed", "cancelled"}
DATA_EVENTS = ["hawk_plan", "hawk_context", "hawk_facts"]


@pytest.fixture(scope="module")
def analyst_token(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo data and an analyst, committed for the whole module, then emptied again (the
    roles, which a migration made, are put back)."""
    with django_db_blocker.unblock():
        load_demo_data()
        analyst = User.objects.create_user("fault-analyst", password="not-used-1")
        analyst.groups.add(Group.objects.get(name="analyst"))
        token = Token.objects.create(user=analyst).key
    yield token
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        restore_roles()


@dataclass
class Streamed:
    status: int
    events: list[dict[str, Any]]
    run_id: str | None
    error: dict[str, Any] | None = None  # the JSON error body of a non-stream answer

    def names(self) -> list[str]:
        return [event["event"] for event in self.events]

    def answer(self) -> str:
        return "".join(e["answer"] for e in self.events if e["event"] == "message")


def stream_run(url: str, token: str, *, leave_after: str | None = None) -> Streamed:
    """POST a prompt and read its events as an SSE client does. With `leave_after`, the client
    closes the connection as soon as it has an event of that name ("headers": before any)."""
    headers = {"Authorization": f"Token {token}", "Accept": "text/event-stream"}
    with (
        httpx.Client(base_url=url, timeout=10) as client,
        client.stream("POST", PATH, json={"user_prompt": PROMPT}, headers=headers) as response,
    ):
        streamed = Streamed(response.status_code, [], response.headers.get("x-run-id"))
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            streamed.error = json.loads(response.read())["error"]
            return streamed
        if leave_after == "headers":
            return streamed
        for frame in read_frames(response):
            if (event := parse_frame(frame)) is not None:
                streamed.events.append(event)
                if event["event"] == leave_after:
                    break
    return streamed


def final_row(run_id: str | None, timeout: float = 5.0) -> AgentRun | None:
    """The run's row once it has ended; None if no row was ever written. Fails if the run is
    still `running` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = AgentRun.objects.filter(run_id=run_id).first()
        if run is not None and run.status in ENDED:
            return run
        time.sleep(0.05)
    run = AgentRun.objects.filter(run_id=run_id).first()
    assert run is None, f"run {run_id} is still {run.status}"
    return None


def logged(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    return any(text in record.getMessage() for record in caplog.records)


def assert_answered(streamed: Streamed, *, notice: bool = False) -> None:
    head = [*DATA_EVENTS, "hawk_notice"] if notice else DATA_EVENTS
    names = streamed.names()
    assert streamed.status == 200
    assert names[: len(head)] == head, names
    assert set(names[len(head) : -1]) == {"message"}, names
    assert names[-1] == "message_end"


# --- Redis ------------------------------------------------------------------------------------


def test_redis_down_before_a_run_degrades_it_and_it_completes(
    live_server_url, analyst_token, redis_proxy, caplog
):
    redis_proxy.stop()
    streamed = stream_run(live_server_url, analyst_token)
    assert_answered(streamed)
    assert streamed.events[1]["cache"] == "degraded"
    assert streamed.events[-1]["answer_cache"] == "miss"
    run = final_row(streamed.run_id)
    assert (run.status, run.cache_status) == ("completed", "degraded")
    assert run.answer == streamed.answer()
    assert logged(caplog, "rate limit not enforced: the shared cache is unavailable")
    assert logged(caplog, "data cache unavailable, reading")


def stream_with_fault_mid_answer(url: str, token: str, dify_server, fault) -> Streamed:
    """A streamed run whose Dify answers in three slow chunks; `fault()` is called at each
    answer chunk, so the dependency fails while the answer is being written."""
    dify_server.scenario, dify_server.delay = "answer", 0.1
    dify_server.answers = ["Capacity ", "for CNY ", "is ample."]
    headers = {"Authorization": f"Token {token}", "Accept": "text/event-stream"}
    with (
        httpx.Client(base_url=url, timeout=10) as client,
        client.stream("POST", PATH, json={"user_prompt": PROMPT}, headers=headers) as response,
    ):
        events = []
        for frame in read_frames(response):
            if (event := parse_frame(frame)) is not None:
                events.append(event)
                if event["event"] == "message":
                    fault()
    return Streamed(response.status_code, events, response.headers["x-run-id"])


def test_redis_stopping_during_a_run_does_not_fail_it(
    live_server_url, analyst_token, redis_proxy, dify_server, caplog
):
    # Redis goes away while Dify answers
    streamed = stream_with_fault_mid_answer(
        live_server_url, analyst_token, dify_server, redis_proxy.stop
    )
    assert_answered(streamed)
    assert streamed.answer() == "Capacity for CNY is ample."
    run = final_row(streamed.run_id)
    assert (run.status, run.backend, run.answer) == ("completed", "dify", streamed.answer())
    assert logged(caplog, "answer cache write failed")


# --- Postgres ---------------------------------------------------------------------------------


class DatabaseOutage:
    """Every new database connection (all threads, the live server's too) goes through a
    proxy, which `begin` stops; the pool waits at most 1 s for a connection."""

    def __init__(self) -> None:
        self.shared = connections["default"].settings_dict  # one dict for every thread's
        self.saved = {key: self.shared[key] for key in ("HOST", "PORT", "OPTIONS")}
        self.proxy = TcpProxy(self.shared["HOST"] or "127.0.0.1", int(self.shared["PORT"] or 5432))
        self.proxy.start()
        pool = {**self.saved["OPTIONS"]["pool"], "min_size": 0, "timeout": 1.0}
        options = {**self.saved["OPTIONS"], "pool": pool}
        self._reconnect(HOST="127.0.0.1", PORT=self.proxy.port, OPTIONS=options)

    def begin(self) -> None:
        self.proxy.stop()

    def end(self) -> None:
        self.proxy.start()
        self._reconnect()  # a fresh pool, not one backing off from the outage

    def restore(self) -> None:
        self.proxy.stop()
        self._reconnect(**self.saved)

    def _reconnect(self, **settings_dict: Any) -> None:
        # The test's own connection (in its transaction) stays; only new ones change.
        connections["default"].close_pool()
        self.shared.update(settings_dict)


@pytest.fixture
def database_outage() -> Iterator[DatabaseOutage]:
    outage = DatabaseOutage()
    yield outage
    outage.restore()


def test_postgres_unreachable_is_a_503_and_nothing_is_written(
    live_server_url, analyst_token, database_outage, caplog
):
    runs_before = AgentRun.objects.count()
    database_outage.begin()
    streamed = stream_run(live_server_url, analyst_token)
    assert streamed.status == 503
    assert streamed.error["code"] == "unavailable"
    headers = {"Authorization": f"Token {analyst_token}"}
    context = httpx.post(f"{live_server_url}/hawk-agent/context", json={"user_prompt": PROMPT},
                         headers=headers, timeout=10)  # fmt: skip
    assert (context.status_code, context.json()["error"]["code"]) == (503, "unavailable")
    health = httpx.get(f"{live_server_url}/health", timeout=10)
    assert (health.status_code, health.json()["status"]) == (503, "unhealthy")
    assert logged(caplog, "dependency unavailable")

    database_outage.end()
    assert AgentRun.objects.count() == runs_before


def test_postgres_lost_during_a_run_still_ends_it_in_history(
    live_server_url, analyst_token, database_outage, dify_server, caplog
):
    # The run's row exists; its end cannot be written
    streamed = stream_with_fault_mid_answer(
        live_server_url, analyst_token, dify_server, database_outage.begin
    )
    assert streamed.names()[-1] == "error"
    assert streamed.events[-1]["code"] == "unavailable"
    database_outage.end()
    run = final_row(streamed.run_id, timeout=10)
    assert run.status == "failed"
    assert run.answer == "Capacity for CNY is ample."
    assert logged(caplog, f"run {streamed.run_id} failed (unavailable)")
    assert logged(caplog, f"run {streamed.run_id} recorded as failed, the database is back")


# --- Dify ---------------------------------------------------------------------------------------


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_dify_refusing_connections_is_answered_by_the_builtin_analyst(
    live_server_url, analyst_token, dify_server, settings, caplog
):
    settings.DIFY_BASE_URL = f"http://127.0.0.1:{closed_port()}/v1"
    streamed = stream_run(live_server_url, analyst_token)
    assert_answered(streamed, notice=True)
    assert streamed.events[3]["code"] == "analysis_fallback"
    assert streamed.events[-1]["backend"] == "builtin"
    run = final_row(streamed.run_id)
    assert (run.status, run.backend) == ("completed", "builtin")
    assert logged(caplog, "analysis by dify failed before answering (connection_error)")


def test_dify_answering_5xx_is_retried_then_answered_by_the_builtin_analyst(
    live_server_url, analyst_token, dify_server, caplog
):
    dify_server.scenario, dify_server.failures = "http_500", 10
    streamed = stream_run(live_server_url, analyst_token)
    assert_answered(streamed, notice=True)
    assert streamed.events[-1]["backend"] == "builtin"
    assert len(dify_server.chat_requests()) == 3  # DIFY_RETRY_ATTEMPTS
    run = final_row(streamed.run_id)
    assert (run.status, run.backend) == ("completed", "builtin")
    assert logged(caplog, "Dify request failed (internal_server_error) on attempt 1")
    assert logged(caplog, "analysis by dify failed before answering (internal_server_error)")


def test_dify_hanging_past_the_timeout_is_answered_by_the_builtin_analyst(
    live_server_url, analyst_token, dify_server, settings, caplog
):
    dify_server.scenario, settings.DIFY_READ_TIMEOUT = "hang", 0.3
    started = time.monotonic()
    streamed = stream_run(live_server_url, analyst_token)
    assert time.monotonic() - started < 3
    assert_answered(streamed, notice=True)
    assert "timeout" in streamed.events[3]["message"]
    run = final_row(streamed.run_id)
    assert (run.status, run.backend) == ("completed", "builtin")
    assert logged(caplog, "analysis by dify failed before answering (timeout)")


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("error_mid_stream", "upstream model unavailable"),
        ("drop", "the connection to Dify broke during the answer"),
        ("stall", "Dify sent nothing for too long"),
    ],
)
def test_dify_failing_mid_stream_ends_the_run_as_failed_with_the_partial_answer(
    live_server_url, analyst_token, dify_server, settings, scenario, reason, caplog
):
    dify_server.scenario, settings.DIFY_READ_TIMEOUT = scenario, 0.3
    streamed = stream_run(live_server_url, analyst_token)
    assert streamed.status == 200
    assert streamed.names() == [*DATA_EVENTS, "message", "message", "message", "error"]
    error = streamed.events[-1]
    assert (error["code"], error["status"]) == ("analysis_failed", 502)
    assert reason in error["message"]
    run = final_row(streamed.run_id)
    assert (run.status, run.answer) == ("failed", "".join(dify_server.answers))
    assert run.error["code"] == "analysis_failed"
    assert logged(caplog, f"run {streamed.run_id} failed (analysis_failed)")


# --- clients that leave ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "leave_after", ["headers", "hawk_plan", "hawk_context", "hawk_facts", "message"]
)
def test_a_client_leaving_at_any_stage_cancels_the_run(
    live_server_url, analyst_token, dify_server, leave_after, caplog
):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    streamed = stream_run(live_server_url, analyst_token, leave_after=leave_after)
    assert streamed.status == 200
    run = final_row(streamed.run_id)
    if run is None:  # gone before the run began: nothing was written, nothing is running
        assert leave_after == "headers"
        return
    assert run.status == "cancelled"
    assert run.answer.startswith(streamed.answer())
    assert run.finished_at is not None
    assert logged(caplog, f"run {run.run_id} cancelled")
    if run.task_id:
        assert dify_server.stop_requested(run.task_id)


def test_a_client_leaving_after_the_end_leaves_a_completed_run(
    live_server_url, analyst_token, dify_server
):
    streamed = stream_run(live_server_url, analyst_token, leave_after="message_end")
    assert_answered(streamed)
    run = final_row(streamed.run_id)
    assert (run.status, run.answer) == ("completed", streamed.answer())


# --- WebSocket --------------------------------------------------------------------------------


async def test_redis_down_leaves_the_websocket_working(
    live_server_url, analyst_token, redis_proxy, settings, caplog
):
    layer = settings.CHANNEL_LAYERS["default"]
    proxied = {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [settings.REDIS_URL]}}
    settings.CHANNEL_LAYERS = {"default": proxied}
    redis_proxy.stop()
    url = live_server_url.replace("http://", "ws://") + "/ws/hawk-agent/"
    async with connect(url, origin="http://localhost:4200", open_timeout=5) as ws:
        await ws.send(json.dumps({"type": "auth", "token": analyst_token}))
        events = [json.loads(await asyncio.wait_for(ws.recv(), 5))]
        await ws.send(json.dumps({"type": "prompt", "user_prompt": PROMPT}))
        while events[-1]["event"] not in {"message_end", "error"}:
            events.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
    assert [e["event"] for e in events][:4] == ["hawk_authenticated", *DATA_EVENTS]
    assert events[-1]["event"] == "message_end"
    assert events[2]["cache"] == "degraded"
    run = await in_db_thread(final_row, events[1]["run_id"])
    assert (run.status, run.channel) == ("completed", "ws")
    assert logged(caplog, "data cache unavailable, reading")
