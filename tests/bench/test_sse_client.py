"""The latency benchmark's lean SSE client (bench/sse_client.py) against the real server, and
its chunked decoding against frames cut anywhere: a run counts only when its message_end
arrived, and a connection is reused only after its response was read to the end."""

import asyncio
import json

import pytest

from bench.sse_client import HttpError, SseClient
from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("committed_demo")]
PATH = "/hawk-agent/process-prompt"


async def a_run(client: SseClient, body: dict) -> list[dict]:
    return [json.loads(data) async for data in client.events(PATH, body)]


def test_runs_over_one_kept_connection_read_every_event(analyst_token):
    async def two_runs(url: str) -> tuple[list[dict], list[dict], int]:
        client = SseClient(url, analyst_token)
        first = await a_run(client, {"user_prompt": "Check if I can hedge 150K CNY today"})
        [(_, (_, kept))] = client.idle
        second = await a_run(client, {"user_prompt": "Status of all CNY instructions"})
        [(_, (_, again))] = client.idle
        await client.aclose()
        return first, second, int(kept is again)

    with uvicorn_process() as server:
        first, second, reused = asyncio.run(two_runs(server.url))
    for events in (first, second):
        assert events[0]["event"] == "hawk_plan"
        assert events[-1]["event"] == "message_end"
    assert "".join(e["answer"] for e in first if e["event"] == "message")
    assert reused == 1


def test_an_error_status_is_raised_and_its_connection_closed(analyst_token):
    async def refused(url: str) -> tuple[int, int]:
        client = SseClient(url, "not-a-token")
        with pytest.raises(HttpError) as raised:
            await a_run(client, {"user_prompt": "Check if I can hedge 150K CNY today"})
        return raised.value.status, len(client.idle)

    with uvicorn_process() as server:
        assert asyncio.run(refused(server.url)) == (401, 0)
