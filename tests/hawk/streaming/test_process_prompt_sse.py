"""POST /hawk-agent/process-prompt through a real ASGI server (uvicorn on 127.0.0.1), read with
httpx as a client would: frames split on blank lines, each `data: {json}` or a `: ping`."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from hawk.database.threads import release_connection
from hawk.models import AgentRun
from hawk.pipeline.run import events as run_events_module
from templates_app.models import PromptTemplate
from tests.hawk.streaming.support import PING, parse_frame, read_frames
from tests.live import PROMPT

pytestmark = pytest.mark.usefixtures("committed_demo")

PATH = "/hawk-agent/process-prompt"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def sse_headers(token: str) -> dict[str, str]:
    """What an SSE client (EventSource, fetch-event-source) sends."""
    return {**auth(token), "Accept": "text/event-stream"}


@contextmanager
def open_stream(url: str, token: str, **body: Any) -> Iterator[httpx.Response]:
    body = {"user_prompt": PROMPT, **body}
    with (
        httpx.Client(base_url=url, timeout=10) as client,
        client.stream("POST", PATH, json=body, headers=sse_headers(token)) as response,
    ):
        yield response


def events_of(frames: list[str]) -> list[dict[str, Any]]:
    return [event for frame in frames if (event := parse_frame(frame)) is not None]


def answer_of(events: list[dict[str, Any]]) -> str:
    return "".join(event["answer"] for event in events if event["event"] == "message")


def settled_run(run_id: str, status: str, timeout: float = 5.0) -> AgentRun:
    """The run's row once the server has recorded `status`."""
    deadline = time.monotonic() + timeout
    run = AgentRun.objects.filter(run_id=run_id).first()
    while (run is None or run.status != status) and time.monotonic() < deadline:
        time.sleep(0.05)
        run = AgentRun.objects.filter(run_id=run_id).first()
    assert run is not None and run.status == status, run and run.status
    return run


def read_until_answering(frames: Iterator[str], parts: int) -> list[dict[str, Any]]:
    """Events up to the `parts`-th answer delta. `frames` goes on from there: dropping the
    iterator would close the connection (httpx closes a stream left mid-way)."""
    events: list[dict[str, Any]] = []
    for frame in frames:
        if (event := parse_frame(frame)) is not None:
            events.append(event)
        if sum(event["event"] == "message" for event in events) >= parts:
            return events
    raise AssertionError(f"the stream ended after {[e['event'] for e in events]}")


def test_the_stream_is_framed_as_server_sent_events(live_server_url, analyst_token):
    with open_stream(live_server_url, analyst_token) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["x-request-id"]
        frames = list(read_frames(response))
    events = events_of(frames)
    names = [event["event"] for event in events]
    assert names[:3] == ["hawk_plan", "hawk_context", "hawk_facts"]
    assert set(names[3:-1]) == {"message"}
    assert names[-1] == "message_end"
    assert {event["run_id"] for event in events} == {response.headers["x-run-id"]}


def test_check_if_i_can_hedge_150k_cny_streams_the_pass_report(
    live_server_url, analyst_token, analyst
):
    with open_stream(live_server_url, analyst_token) as response:
        events = events_of(list(read_frames(response)))
    answer = answer_of(events)
    assert answer.startswith("## CNY 150,000.00: PASS\n")
    assert "### Decision: PASS" in answer
    assert "The full 150,000.00 CNY can be hedged now" in answer
    end = events[-1]
    assert end["backend"] == "builtin" and end["quality"]["score"] == 1.0
    run = AgentRun.objects.get(run_id=end["run_id"])
    assert (run.status, run.channel, run.user_id) == ("completed", "http", analyst.pk)
    assert run.answer == answer


def test_a_template_with_its_variables_streams_its_run(live_server_url, analyst_token, analyst):
    # The template is read to render the prompt: off the event loop (there Django refuses it).
    template = PromptTemplate.objects.create(
        name="Deal check",
        family_type="instructions_processing",
        template_category="inquiry",
        prompt_text="Show deals for {{currency}} instructions",
        input_fields=[{"name": "currency", "label": "Currency", "type": "currency"}],
        data_requirements={"sources": ["deals"], "scope": "targeted"},
    )
    variables = {"currency": "CNY"}
    body = {"template_id": template.pk, "template_variables": variables}
    with open_stream(live_server_url, analyst_token, **body) as response:
        assert response.status_code == 200
        events = events_of(list(read_frames(response)))
    plan = events[0]
    assert plan["event"] == "hawk_plan" and plan["parameters"]["currency"] == "CNY"
    assert events[-1]["event"] == "message_end"
    run = AgentRun.objects.get(run_id=plan["run_id"])
    assert (run.status, run.template_id, run.prompt) == (
        "completed",
        template.pk,
        "Show deals for CNY instructions",
    )


def test_an_unknown_currency_is_a_400_json_before_any_stream(live_server_url, analyst_token):
    body = {"user_prompt": "hedge 1M", "currency": "XYZ"}
    response = httpx.post(live_server_url + PATH, json=body, headers=sse_headers(analyst_token))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"]
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert "currency" in error["fields"]
    assert not AgentRun.objects.exists()


def test_without_a_token_it_is_401(live_server_url):
    response = httpx.post(live_server_url + PATH, json={"user_prompt": PROMPT})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert not AgentRun.objects.exists()


@pytest.mark.parametrize("stream", [False, "false"])
def test_stream_false_returns_the_whole_run_as_one_json(live_server_url, analyst_token, stream):
    body = {"user_prompt": PROMPT, "stream": stream}
    response = httpx.post(live_server_url + PATH, json=body, headers=auth(analyst_token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    run = response.json()
    assert run["intent"] == "utilisation"
    assert run["parameters"]["currency"] == "CNY"
    assert run["facts"]["currency"] == "CNY"
    assert run["answer"].startswith("## CNY 150,000.00: PASS\n")
    assert run["backend"] == "builtin"
    assert run["usage"]["total_tokens"] == 0
    assert set(run["timings"]) == {"plan_ms", "extraction_ms", "first_token_ms", "total_ms"}
    assert run["quality"]["score"] == 1.0
    assert run["records"] > 0
    assert AgentRun.objects.get(run_id=run["run_id"]).answer == run["answer"]


def test_the_apps_msg_uid_and_instruction_id_are_recorded_on_the_run(
    live_server_url, analyst_token
):
    body = {"user_prompt": PROMPT, "stream": False, "msg_uid": "MSG-1", "instruction_id": "INS-1"}
    response = httpx.post(live_server_url + PATH, json=body, headers=auth(analyst_token))
    assert response.status_code == 200
    run = AgentRun.objects.get(run_id=response.json()["run_id"])
    assert (run.msg_uid, run.instruction_id) == ("MSG-1", "INS-1")


def test_an_agent_api_key_in_the_request_is_ignored(live_server_url, analyst_token, dify_server):
    body = {"user_prompt": PROMPT, "stream": False, "agent_api_key": "app-not-the-configured"}
    response = httpx.post(live_server_url + PATH, json=body, headers=auth(analyst_token))
    assert response.status_code == 200
    assert response.json()["backend"] == "dify"
    requests = dify_server.chat_requests()
    assert len(requests) == 1 and requests[0].authorized  # the configured key, not the field
    assert "app-not-the-configured" not in json.dumps(requests[0].body)
    recorded = AgentRun.objects.filter(run_id=response.json()["run_id"]).values().get()
    assert "app-not-the-configured" not in json.dumps(recorded, default=str)


def test_stream_false_reports_a_failed_analysis_as_an_error_response(
    live_server_url, analyst_token, dify_server
):
    dify_server.scenario = "error_mid_stream"
    body = {"user_prompt": PROMPT, "stream": False}
    response = httpx.post(live_server_url + PATH, json=body, headers=auth(analyst_token))
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "analysis_failed"
    run = AgentRun.objects.get()
    assert (run.status, run.answer) == ("failed", "".join(dify_server.answers))


def test_a_ping_comment_arrives_while_waiting_for_dify(
    live_server_url, analyst_token, dify_server, monkeypatch
):
    monkeypatch.setattr(run_events_module, "PING_SECONDS", 0.05)
    dify_server.scenario, dify_server.delay = "answer", 0.3
    with open_stream(live_server_url, analyst_token) as response:
        frames = list(read_frames(response))
    kinds = ["ping" if frame == PING else parse_frame(frame)["event"] for frame in frames]
    waiting_for_dify = kinds[kinds.index("hawk_facts") + 1 : kinds.index("message_end")]
    assert "ping" in waiting_for_dify
    events = events_of(frames)
    assert events[-1]["event"] == "message_end"
    assert answer_of(events) == "".join(dify_server.answers)


def test_a_client_that_disconnects_cancels_the_run_and_stops_dify(
    live_server_url, analyst_token, dify_server, analyst
):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    with open_stream(live_server_url, analyst_token) as response:
        received = read_until_answering(read_frames(response), parts=3)
    # The client is gone: the server notices, cancels the run and stops the Dify task.
    run = settled_run(received[0]["run_id"], "cancelled")
    assert run.answer.startswith(answer_of(received))
    assert run.answer.startswith("part 0 part 1 part 2 ")
    assert run.task_id and dify_server.stop_requested(run.task_id)
    assert (run.task_id, f"hawk-user-{analyst.pk}") in dify_server.stopped_tasks


def test_the_stop_endpoint_ends_a_streaming_run(live_server_url, analyst_token, dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    with open_stream(live_server_url, analyst_token) as response:
        frames = read_frames(response)
        received = read_until_answering(frames, parts=2)
        run_id = received[0]["run_id"]
        stop = httpx.post(
            f"{live_server_url}/hawk-agent/runs/{run_id}/stop", headers=auth(analyst_token)
        )
        assert stop.status_code == 200
        assert stop.json() == {"run_id": run_id, "stopping": True, "in_this_worker": True}
        rest = events_of(list(frames))
    assert rest[-1]["event"] == "error"
    assert (rest[-1]["code"], rest[-1]["status"]) == ("cancelled", 499)
    run = settled_run(run_id, "cancelled")
    assert run.answer == answer_of(received + rest)
    assert dify_server.stop_requested(run.task_id)


def test_stopping_a_stream_false_run_answers_json_with_the_cancelled_run(
    live_server_url, analyst_token, dify_server
):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    stopped: list[httpx.Response] = []

    def stop_once_answering() -> None:
        try:
            run = settled_run_with_task(timeout=5)
        finally:
            release_connection()  # this thread's, or the test database cannot be dropped
        stopped.append(httpx.post(f"{live_server_url}/hawk-agent/runs/{run.run_id}/stop",
                                  headers=auth(analyst_token)))  # fmt: skip

    stopper = threading.Thread(target=stop_once_answering)
    stopper.start()
    body = {"user_prompt": PROMPT, "stream": False}
    response = httpx.post(live_server_url + PATH, json=body, headers=auth(analyst_token),
                          timeout=10)  # fmt: skip
    stopper.join(5)
    assert stopped and stopped[0].status_code == 200
    assert response.status_code == 200, response.text[:200]
    assert response.headers["content-type"] == "application/json"
    answered = response.json()
    assert answered["status"] == "cancelled"
    assert answered["intent"] == "utilisation"
    assert answered["answer"].startswith("part 0 ")
    run = settled_run(answered["run_id"], "cancelled")
    assert run.answer == answered["answer"]
    assert dify_server.stop_requested(run.task_id)


def settled_run_with_task(timeout: float) -> AgentRun:
    """The only run, once Dify has started answering it (its task id is known to Dify)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = AgentRun.objects.filter(status="running").first()
        if run is not None:
            time.sleep(0.2)  # a few answer chunks in
            return run
        time.sleep(0.02)
    raise AssertionError("no run started")
