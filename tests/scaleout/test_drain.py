"""Draining on SIGTERM, with a real uvicorn process: /health/ready turns 503 at once, new
prompts get 503 `server_restarting` with Retry-After (over HTTP and WebSocket), a short stream
in flight finishes with message_end, and a long one (a slow Dify) is cut once HAWK_DRAIN_SECONDS
have passed: an `error` event `server_restarting` with retry advice, the run `cancelled`."""

import asyncio
import time

import httpx
import pytest

from tests.dify_server import API_KEY, DifyStandIn
from tests.hawk.streaming.ws_support import receive, send, socket
from tests.live import PROMPT, wait_for_status
from tests.scaleout.streams import PROCESS_PROMPT, Streamed, stream_prompt
from tests.uvicorn_process import UvicornProcess, uvicorn_process

pytestmark = [pytest.mark.usefixtures("committed_demo"), pytest.mark.redis]
DRAIN_SECONDS = 4.0


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def drain_with_two_streams(
    server: UvicornProcess, dify: DifyStandIn, token: str
) -> dict[str, object]:
    headers = {"Authorization": f"Token {token}"}
    ws_url = server.url.replace("http://", "ws://") + "/ws/hawk-agent/"
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as client:
        dify.scenario, dify.delay = "slow", 0.05  # a stream that would last for 100 s
        long = Streamed()
        long_task = asyncio.create_task(stream_prompt(client, long))
        await until(lambda: long.messages >= 2)
        dify.scenario, dify.delay = "answer", 0.4  # three answer parts: about 1.5 s
        short = Streamed()
        short_task = asyncio.create_task(stream_prompt(client, short))
        await until(lambda: short.messages >= 1)
        async with socket(ws_url, token) as ws:
            sigterm_at = time.monotonic()
            server.terminate()
            await asyncio.sleep(0.2)
            ready = await client.get("/health/ready")
            live = await client.get("/health/live")
            refused = await client.post(PROCESS_PROMPT, json={"user_prompt": PROMPT})
            await send(ws, {"type": "prompt", "user_prompt": PROMPT})
            ws_refused = await receive(ws)
        await short_task
        await long_task
        long_ended_after = time.monotonic() - sigterm_at
    return {
        "ready": ready,
        "live": live,
        "refused": refused,
        "ws_refused": ws_refused,
        "short": short,
        "long": long,
        "long_ended_after": long_ended_after,
    }


def test_sigterm_drains_the_worker_then_cuts_the_streams_still_running(
    dify_server: DifyStandIn, analyst_token: str
) -> None:
    env = {
        "DIFY_BASE_URL": dify_server.url,
        "DIFY_API_KEY": API_KEY,
        "HAWK_DRAIN_SECONDS": str(DRAIN_SECONDS),
        "HAWK_DRAIN_NOTICE_SECONDS": "1",
    }
    with uvicorn_process(**env) as server:
        seen = asyncio.run(drain_with_two_streams(server, dify_server, analyst_token))
        exit_code = server.wait_exited(10)
    ready, refused = seen["ready"], seen["refused"]
    assert (ready.status_code, ready.json()["status"]) == (503, "draining")
    assert seen["live"].status_code == 200
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "server_restarting"
    assert refused.headers["Retry-After"] == "1"
    ws_refused = seen["ws_refused"]
    assert (ws_refused["event"], ws_refused["code"]) == ("error", "server_restarting")
    assert ws_refused["retry_after"] == 1
    short, long = seen["short"], seen["long"]
    assert short.outcome == "completed", short.events[-1:]
    assert long.outcome == "server_restarting", long.events[-1:]
    assert long.events[-1]["retry_after"] == 1 and long.events[-1]["status"] == 503
    assert DRAIN_SECONDS <= seen["long_ended_after"] < DRAIN_SECONDS + 3
    run = asyncio.run(wait_for_status(long.run_id, "cancelled"))
    assert run.error["code"] == "server_restarting"
    asyncio.run(wait_for_status(short.run_id, "completed"))
    assert exit_code in (0, -15)  # uvicorn re-raises the SIGTERM it handled
