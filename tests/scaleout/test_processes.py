"""Several app processes on one database and one Redis: a stop sent on a WebSocket of one
process reaches a run streaming on another (the shared stop flag), and the run ends in history
as `cancelled`."""

import asyncio

import pytest

from tests.dify_server import API_KEY, DifyStandIn
from tests.hawk.streaming.ws_support import (
    PATH,
    answering,
    receive_until,
    run_ended,
    send,
    socket,
)
from tests.live import PROMPT, wait_for_status
from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.usefixtures("committed_demo"), pytest.mark.redis]


def ws_url(server_url: str) -> str:
    return server_url.replace("http://", "ws://") + PATH


async def stop_from_the_other_process(runs_on: str, stops_on: str, token: str) -> list[dict]:
    async with socket(ws_url(runs_on), token) as running, socket(ws_url(stops_on), token) as other:
        await send(running, {"type": "prompt", "user_prompt": PROMPT})
        events = await receive_until(running, answering(2))
        await send(other, {"type": "stop", "run_id": events[0]["run_id"]})
        return events + await receive_until(running, run_ended)


def test_a_stop_sent_to_one_process_stops_a_run_on_another(
    dify_server: DifyStandIn, analyst_token: str
) -> None:
    dify_server.scenario, dify_server.delay = "slow", 0.05
    env = {"DIFY_BASE_URL": dify_server.url, "DIFY_API_KEY": API_KEY}
    with uvicorn_process(**env) as first, uvicorn_process(**env) as second:
        events = asyncio.run(stop_from_the_other_process(first.url, second.url, analyst_token))
    error = events[-1]
    assert (error["event"], error["code"]) == ("error", "cancelled")
    run = asyncio.run(wait_for_status(events[0]["run_id"], "cancelled"))
    assert dify_server.stop_requested(run.task_id)
