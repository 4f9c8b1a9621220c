"""WebSocket /ws/hawk-agent/ through the real ASGI server (uvicorn in a thread: origin check,
session middleware, the consumer, the configured channel layer, which is channels-redis when
REDIS_URL is set), with the `websockets` client.

channels.testing.WebsocketCommunicator cannot be imported here: channels.testing needs daphne,
which the project does not install. A real client over a real socket tests more anyway (the
handshake and the close codes as a browser sees them). The consumer uses the channel layer
only for its own channel, so nothing here needs Redis itself."""

import asyncio
import threading
import time
from decimal import Decimal

import httpx
import pytest
from django.db.models import Sum
from django.test import Client
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from hawk.api import consumers
from hawk.database.threads import in_db_thread
from hawk.models import AgentRun
from tests import dify_server as dify_stand_in
from tests.dify_server import USAGE
from tests.hawk.streaming.ws_support import (
    PATH,
    WAIT,
    Events,
    answering,
    receive,
    receive_until,
    run_ended,
    send,
    socket,
)
from tests.live import PROMPT, stored_run, wait_for_status

pytestmark = pytest.mark.usefixtures("committed_demo")


@pytest.fixture
def ws_url(live_server_url) -> str:
    return live_server_url.replace("http://", "ws://") + PATH


def names(events: Events) -> list[str]:
    return [event["event"] for event in events]


def answer_of(events: Events) -> str:
    return "".join(event["answer"] for event in events if event["event"] == "message")


def assert_complete_run(events: Events) -> None:
    assert names(events)[:3] == ["hawk_plan", "hawk_context", "hawk_facts"]
    assert set(names(events)[3:-1]) == {"message"}
    assert names(events)[-1] == "message_end"


async def assert_closed_with(ws: ClientConnection, code: int) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code


@pytest.fixture
def viewer_token(make_user) -> str:
    return Token.objects.create(user=make_user("stream-viewer", "viewer")).key


@pytest.fixture
def session_cookie(analyst) -> str:
    client = Client()
    client.force_login(analyst)
    return f"sessionid={client.cookies['sessionid'].value}"


# --- authentication and origin ----------------------------------------------------------------


async def test_a_token_in_the_first_message_authenticates(ws_url, analyst_token, analyst):
    async with socket(ws_url) as ws:
        await send(ws, {"type": "auth", "token": analyst_token})
        assert await receive(ws) == {"event": "hawk_authenticated", "user": analyst.username}


async def test_a_bad_token_is_refused_and_the_socket_closed(ws_url):
    async with socket(ws_url) as ws:
        await send(ws, {"type": "auth", "token": "not-a-token"})
        error = await receive(ws)
        assert (error["event"], error["code"], error["status"]) == ("error", "not_authenticated",
                                                                    401)  # fmt: skip
        await assert_closed_with(ws, 4401)


async def test_a_prompt_before_auth_is_refused_and_the_socket_closed(ws_url):
    async with socket(ws_url) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        error = await receive(ws)
        assert (error["event"], error["code"]) == ("error", "not_authenticated")
        await assert_closed_with(ws, 4401)
    assert not await in_db_thread(AgentRun.objects.exists)


async def test_a_socket_that_never_authenticates_is_closed(ws_url, monkeypatch):
    monkeypatch.setattr(consumers, "AUTH_TIMEOUT", 0.1)
    async with socket(ws_url) as ws:
        await assert_closed_with(ws, 4401)


async def test_a_foreign_origin_is_rejected(ws_url):
    with pytest.raises(InvalidStatus) as refused:
        async with socket(ws_url, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize(
    "origin", ["http://localhost:9999", "https://localhost:4200", "http://localhost"]
)
async def test_an_origin_differing_in_scheme_or_port_is_rejected(ws_url, origin):
    with pytest.raises(InvalidStatus) as refused:
        async with socket(ws_url, origin=origin):
            pass
    assert refused.value.response.status_code == 403


async def test_the_service_own_origin_is_accepted(ws_url, live_server_url, analyst_token):
    async with socket(ws_url, analyst_token, origin=live_server_url):
        pass


async def test_a_second_auth_as_another_user_is_refused_and_the_first_user_stays(
    ws_url, analyst_token, make_user
):
    other = await in_db_thread(lambda: Token.objects.create(user=make_user("other", "viewer")))
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "auth", "token": other.key})
        error = await receive(ws)
        assert (error["code"], error["status"]) == ("conflict", 409)
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))


async def test_a_large_frame_before_auth_closes_the_socket_unread(ws_url):
    async with socket(ws_url) as ws:
        await ws.send("x" * 70_000)
        await assert_closed_with(ws, 1009)


async def test_a_session_cookie_authenticates_without_a_token_message(ws_url, session_cookie):
    async with socket(ws_url, cookie=session_cookie) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))


async def test_a_session_user_may_still_send_a_token(ws_url, session_cookie, analyst_token):
    async with socket(ws_url, analyst_token, cookie=session_cookie) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))


async def test_a_viewer_may_not_run_prompts(ws_url, viewer_token):
    async with socket(ws_url, viewer_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        error = await receive(ws)
        assert (error["event"], error["code"], error["status"]) == ("error", "forbidden", 403)
    assert not await in_db_thread(AgentRun.objects.exists)


async def test_a_token_user_role_is_checked_on_the_event_loop(analyst, make_user):
    """No trip to the thread every socket of a worker shares, for each prompt."""
    from hawk.web.authentication import entry_of, user_of

    loop_thread = threading.current_thread()
    viewer = await in_db_thread(make_user, "loop-viewer", "viewer")
    for member, allowed in ((analyst, True), (viewer, False)):
        user = user_of(await in_db_thread(entry_of, member))
        checked_on: list[threading.Thread] = []
        has_perm = user.has_perm
        user.has_perm = lambda perm, has_perm=has_perm, seen=checked_on: (
            seen.append(threading.current_thread()) or has_perm(perm)
        )
        assert await consumers.may_run_prompts(user) is allowed
        assert checked_on == [loop_thread]


def _of_a_socket(task: asyncio.Task) -> bool:
    """A task of uvicorn's WebSocket protocol, or a run a socket started (its relay)."""
    name = task.get_coro().__qualname__
    # uvicorn's WebSocket protocols: WebSocketProtocol, WebSocketsSansIOProtocol, WSProtocol.
    socket_protocol = "WebSocket" in name or "WSProtocol" in name
    return "_relay" in name or ("run_asgi" in name and socket_protocol)


async def test_a_prompt_takes_no_trip_to_the_thread_all_sockets_share(
    ws_url, analyst_token, monkeypatch
):
    """Channels' dispatch sends every message to that one thread first, to close its old
    connections (a wait behind every other socket's message under load); the consumer's own
    database calls close theirs as they end (database_sync_to_async, call_and_release)."""
    from asgiref.sync import SyncToAsync

    shared_trips: list[str] = []
    call = SyncToAsync.__call__
    counting = True  # a socket's close takes one such trip (Channels), once per socket

    async def counted(self, *args, **kwargs):
        task = asyncio.current_task()
        # The sockets' own trips only: the server's tasks for HTTP requests of earlier tests
        # may still be closing theirs.
        if counting and self._thread_sensitive and task is not None and _of_a_socket(task):
            shared_trips.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await call(self, *args, **kwargs)

    # The filter must know the task a socket's message is handled in, or nothing is counted.
    handled_in_a_socket_task: list[bool] = []
    receive_json = consumers.AgentConsumer.receive_json

    async def seen(self, content, **kwargs):
        handled_in_a_socket_task.append(_of_a_socket(asyncio.current_task()))
        return await receive_json(self, content, **kwargs)

    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})  # the role is read once
        assert_complete_run(await receive_until(ws, run_ended))
        monkeypatch.setattr(SyncToAsync, "__call__", counted)
        monkeypatch.setattr(consumers.AgentConsumer, "receive_json", seen)
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))
        counting = False
    assert handled_in_a_socket_task == [True]
    assert shared_trips == []


# --- runs ---------------------------------------------------------------------------------------


async def test_a_prompt_streams_the_same_events_as_the_sse_stream(ws_url, analyst_token, analyst):
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT, "session_id": "tab-1"})
        events = await receive_until(ws, run_ended)
    assert_complete_run(events)
    assert len({event["run_id"] for event in events}) == 1
    assert events[0]["parameters"]["currency"] == "CNY"
    assert answer_of(events).startswith("## CNY 150,000.00: PASS\n")
    assert events[-1]["backend"] == "builtin"
    run = await stored_run(events[0]["run_id"])
    assert (run.status, run.channel, run.user_id) == ("completed", "ws", analyst.pk)
    assert run.session_id == "tab-1"
    assert run.answer == answer_of(events)


async def test_two_runs_on_one_socket_interleave_and_each_is_complete(
    ws_url, analyst_token, dify_server
):
    dify_server.scenario, dify_server.delay = "answer", 0.05
    dify_server.answers = ["one ", "two ", "three ", "four ", "five."]
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        await send(ws, {"type": "prompt", "user_prompt": "hedge 200K CNY"})
        events = await receive_until(ws, lambda seen: names(seen).count("message_end") == 2)

    by_run: dict[str, Events] = {}
    for event in events:
        by_run.setdefault(event["run_id"], []).append(event)
    assert len(by_run) == 2
    for run_events in by_run.values():
        assert_complete_run(run_events)
        assert answer_of(run_events) == "one two three four five."
    first, second = (
        [at for at, event in enumerate(events) if event["run_id"] == run_id] for run_id in by_run
    )
    assert min(second) < max(first) and min(first) < max(second), "the runs did not overlap"
    assert len(dify_server.chat_requests()) == 2


async def test_a_stop_message_stops_a_slow_run(ws_url, analyst_token, dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        events = await receive_until(ws, answering(2))
        run_id = events[0]["run_id"]
        await send(ws, {"type": "stop", "run_id": run_id})
        events += await receive_until(ws, run_ended)
    error = events[-1]
    assert (error["event"], error["code"], error["status"]) == ("error", "cancelled", 499)
    assert error["run_id"] == run_id
    run = await wait_for_status(run_id, "cancelled")
    assert run.answer == answer_of(events)
    assert dify_server.stop_requested(run.task_id)


async def test_closing_the_socket_cancels_its_runs(ws_url, analyst_token, dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        events = await receive_until(ws, answering(2))
    run = await wait_for_status(events[0]["run_id"], "cancelled")
    assert run.answer.startswith(answer_of(events))
    assert dify_server.stop_requested(run.task_id)


async def test_an_invalid_prompt_names_the_field_and_the_socket_stays_open(ws_url, analyst_token):
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": "hedge 1M", "currency": "XYZ"})
        error = await receive(ws)
        assert (error["event"], error["code"], error["status"]) == ("error", "invalid_field", 400)
        assert "currency" in error["fields"]
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))


async def test_an_unknown_message_type_is_an_invalid_field(ws_url, analyst_token):
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "launch"})
        error = await receive(ws)
        assert (error["code"], list(error["fields"])) == ("invalid_field", ["type"])


async def test_a_control_character_in_a_prompt_is_an_invalid_field_naming_it(ws_url, analyst_token):
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": "hedge\x1b[2J 1M CNY"})
        error = await receive(ws)
        assert (error["code"], list(error["fields"])) == ("invalid_field", ["user_prompt"])


async def test_stopping_a_run_that_is_not_running_is_not_found(ws_url, analyst_token):
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "stop", "run_id": "1f1a8bba-1a5d-4b47-9a55-0d0c0f2b7f11"})
        assert (await receive(ws))["code"] == "not_found"
        await send(ws, {"type": "stop", "run_id": "not-a-uuid"})
        error = await receive(ws)
        assert (error["code"], list(error["fields"])) == ("invalid_field", ["run_id"])


# --- odd frames, limits and server-side clients ---------------------------------------------


@pytest.mark.parametrize("frame", ["{not json", b"\x00\x01binary"], ids=["text", "binary"])
async def test_a_frame_that_is_not_json_is_an_error_and_runs_go_on(
    ws_url, analyst_token, dify_server, frame, caplog
):
    dify_server.scenario, dify_server.delay = "answer", 0.05
    dify_server.answers = ["one ", "two ", "three."]
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        events = await receive_until(ws, answering(1))
        await ws.send(frame)
        events += await receive_until(ws, lambda seen: "message_end" in names(seen))
        errors = [event for event in events if event["event"] == "error"]
        assert [(e["code"], e["status"]) for e in errors] == [("invalid_json", 400)]
        assert "run_id" not in errors[0]
        assert events[-1]["event"] == "message_end"
        assert answer_of(events) == "one two three."
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})  # the socket still works
        assert_complete_run(await receive_until(ws, run_ended))
    assert "Traceback" not in caplog.text


async def test_prompts_over_the_rate_limit_are_refused_with_retry_after(
    ws_url, analyst_token, settings
):
    settings.AGENT_RATE_LIMIT = "1/min"
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        error = await receive(ws)
        assert (error["event"], error["code"], error["status"]) == ("error", "rate_limited", 429)
        assert 0 < error["retry_after"] <= 60
    assert await in_db_thread(AgentRun.objects.count) == 1


async def test_the_rate_limit_counts_http_and_websocket_prompts_together(
    ws_url, analyst_token, settings, live_server_url
):
    settings.AGENT_RATE_LIMIT = "1/min"
    headers = {"Authorization": f"Token {analyst_token}"}
    async with httpx.AsyncClient(base_url=live_server_url) as http:
        planned = await http.post("/hawk-agent/plan", json={"user_prompt": PROMPT},
                                  headers=headers)  # fmt: skip
    assert planned.status_code == 200
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert (await receive(ws))["code"] == "rate_limited"


async def test_a_socket_holds_at_most_the_configured_runs_in_flight(
    ws_url, analyst_token, dify_server, settings
):
    settings.HAWK_WS_MAX_RUNS = 1
    dify_server.scenario, dify_server.delay = "slow", 0.02
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        events = await receive_until(ws, answering(1))
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        events += await receive_until(ws, lambda seen: "error" in names(seen))
        refused = events[-1]
        assert (refused["code"], refused["status"]) == ("rate_limited", 429)
        assert "1 run" in refused["message"]
        await send(ws, {"type": "stop", "run_id": events[0]["run_id"]})
        await receive_until(ws, run_ended)
        await send(ws, {"type": "prompt", "user_prompt": "hedge 200K CNY"})  # room again
        assert (await receive(ws))["event"] == "hawk_plan"


async def test_five_prompts_on_one_socket_never_spend_more_than_the_budget_left(
    ws_url, analyst_token, analyst, dify_server, settings, monkeypatch
):
    """Five prompts at once against 0.015 USD, each Dify answer costing 0.01 (as the six
    parallel HTTP runs of tests/hawk/analysis/test_budgets.py): each run reserves its expected
    cost before Dify is asked, so one goes to Dify and four get the built-in analyst."""
    settings.HAWK_BUDGET_USER_DAILY_USD = Decimal("0.015")
    settings.HAWK_BUDGET_RUN_RESERVE_USD = Decimal("0.01")
    monkeypatch.setattr(dify_stand_in, "USAGE", {**USAGE, "total_price": "0.01"})
    dify_server.scenario, dify_server.delay = "answer", 0.05
    async with socket(ws_url, analyst_token) as ws:
        for number in range(5):
            await send(ws, {"type": "prompt", "user_prompt": PROMPT, "use_cache": False,
                            "session_id": f"tab-{number}"})  # fmt: skip
        events = await receive_until(ws, lambda seen: names(seen).count("message_end") == 5)

    endings = [event for event in events if event["event"] == "message_end"]
    assert len({ending["run_id"] for ending in endings}) == 5
    assert sorted(ending["backend"] for ending in endings) == ["builtin"] * 4 + ["dify"]
    notices = [event for event in events if event["event"] == "hawk_notice"]
    assert [notice["code"] for notice in notices] == ["budget_exceeded"] * 4
    assert len(dify_server.chat_requests()) == 1
    runs = AgentRun.objects.filter(user=analyst)
    spent = await runs.aaggregate(total=Sum("total_price"), reserved=Sum("reserved_usd"))
    assert (spent["total"], spent["reserved"]) == (Decimal("0.01"), 0)


async def test_a_client_without_origin_connects_and_authenticates_with_a_token(
    ws_url, analyst_token
):
    async with socket(ws_url, analyst_token, origin=None) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        assert_complete_run(await receive_until(ws, run_ended))


async def test_without_origin_a_session_cookie_does_not_authenticate(ws_url, session_cookie):
    async with socket(ws_url, origin=None, cookie=session_cookie) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        error = await receive(ws)
        assert (error["event"], error["code"]) == ("error", "not_authenticated")
        await assert_closed_with(ws, 4401)


@pytest.mark.redis
async def test_a_stop_does_not_wait_for_a_hung_redis(
    ws_url, analyst_token, dify_server, hanging_redis
):
    """The stop of a socket's own run needs no shared flag: nothing on the event loop (which
    serves every socket of the worker) may wait for Redis."""
    dify_server.scenario, dify_server.delay = "slow", 0.02
    async with socket(ws_url, analyst_token) as ws:
        await send(ws, {"type": "prompt", "user_prompt": PROMPT})
        events = await receive_until(ws, answering(2))
        hanging_redis()
        asked = time.monotonic()
        await send(ws, {"type": "stop", "run_id": events[0]["run_id"]})
        events += await receive_until(ws, lambda seen: "error" in names(seen))
        assert time.monotonic() - asked < 1.5  # a Redis call would take its 3 s timeout
    assert events[-1]["code"] == "cancelled"
    await wait_for_status(events[0]["run_id"], "cancelled")
