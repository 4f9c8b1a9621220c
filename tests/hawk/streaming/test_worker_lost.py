"""A worker killed mid-run (kill -9): it records nothing, and another worker's sweep ends its
run as failed with `worker_lost` once its heartbeat is silent for HAWK_RUN_LOST_AFTER_SECONDS
(here 2 s, beating every 0.5 s; in production 45 s and 15 s: within a minute)."""

import json
import os
import signal
import time

import httpx
import pytest

from hawk.models import AgentRun
from tests.dify_server import API_KEY
from tests.live import PROMPT
from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("committed_demo")]
FAST_LIVENESS = {"HAWK_RUN_HEARTBEAT_SECONDS": "0.5", "HAWK_RUN_LOST_AFTER_SECONDS": "2"}


def run_id_once_answering(url: str, token: str) -> tuple[str, httpx.Client]:
    """Starts a streamed run and reads it until the first answer delta; the run's id and the
    client still holding the stream open."""
    client = httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=10)
    body = {"user_prompt": PROMPT, "use_cache": False}
    run_id = ""
    with client.stream("POST", "/hawk-agent/process-prompt", json=body) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line.removeprefix("data: "))
            run_id = run_id or event["run_id"]
            if event["event"] == "message":
                return run_id, client
    raise AssertionError("the run never answered")


def status_within(run_id: str, seconds: float) -> AgentRun:
    deadline = time.monotonic() + seconds
    run = AgentRun.objects.get(run_id=run_id)
    while run.status == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    return run


def test_a_worker_killed_mid_run_has_its_run_ended_worker_lost(dify_server, analyst_token):
    dify_server.scenario, dify_server.delay = "slow", 0.05
    env = {"DIFY_BASE_URL": dify_server.url, "DIFY_API_KEY": API_KEY, **FAST_LIVENESS}
    with uvicorn_process(**env) as survivor, uvicorn_process(**env) as doomed:
        assert survivor.url != doomed.url
        run_id, client = run_id_once_answering(doomed.url, analyst_token)
        os.killpg(doomed.process.pid, signal.SIGKILL)
        client.close()
        assert AgentRun.objects.get(run_id=run_id).status == "running"
        run = status_within(run_id, 10)
    assert (run.status, run.error["code"]) == ("failed", "worker_lost")
