"""The Dify client against a real HTTP stand-in speaking Dify's protocol (tests/dify_server.py)."""

import asyncio
import json
import logging
import socket
import time
import uuid
from decimal import Decimal

import pytest

from hawk.analysis.base import AnalysisChunk, AnalysisError, AnalysisRequest
from hawk.analysis.circuit import CircuitBreaker
from hawk.analysis.dify import (
    DifyBackend,
    dify_circuit_state,
    dify_configured,
    get_dify_backend,
)
from tests.dify_server import API_KEY, USAGE


def make_request(**changes) -> AnalysisRequest:
    fields = {
        "query": "What is the USD hedge capacity?",
        "context": "FACTS\ncapacity USD 1347500.00\n" + "x" * 2000,
        "intent": "inquiry",
        "parameters": {"currency": "USD", "amount": "1000000.00"},
        "facts": {"capacity": "1347500.00"},
        "warnings": [{"code": "RATE_STALE", "severity": "warning", "message": "old rate"}],
        "user": "analyst-7",
        "instructions": "Answer in two sentences.",
        "template_category": "inquiry",
    }
    return AnalysisRequest(**(fields | changes))


async def collect(backend, request: AnalysisRequest | None = None) -> list[AnalysisChunk]:
    return [chunk async for chunk in backend.stream(request or make_request())]


async def failure(backend, request: AnalysisRequest | None = None) -> AnalysisError:
    with pytest.raises(AnalysisError) as caught:
        await collect(backend, request)
    return caught.value


def answer_of(chunks: list[AnalysisChunk]) -> str:
    return "".join(chunk.text for chunk in chunks if chunk.kind == "answer")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until(condition, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return condition()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- The answer ----------------------------------------------------------------------------


async def test_answers_are_relayed_in_order_and_join_to_what_was_sent(dify_server):
    dify_server.scenario = "answer"
    dify_server.answers = ["The ", "USD ", "capacity ", "is ", "1,347,500.00", "."]
    dify_server.delay = 0.01

    chunks = await collect(get_dify_backend())

    assert [c.text for c in chunks if c.kind == "answer"] == dify_server.answers
    assert answer_of(chunks) == "The USD capacity is 1,347,500.00."
    assert chunks[-1].kind == "end"


async def test_pings_between_chunks_are_ignored(dify_server):
    chunks = await collect(get_dify_backend())

    assert [c.kind for c in chunks] == ["answer", "answer", "answer", "end"]
    assert answer_of(chunks) == "".join(dify_server.answers)


async def test_chunks_carry_dify_ids(dify_server):
    chunks = await collect(get_dify_backend())

    message_ids = {c.message_id for c in chunks}
    task_ids = {c.task_id for c in chunks}
    assert len(message_ids) == 1 and "" not in message_ids
    assert len(task_ids) == 1 and "" not in task_ids
    assert message_ids <= dify_server.message_ids
    uuid.UUID(chunks[0].conversation_id)


async def test_usage_keeps_prices_as_decimal_strings(dify_server):
    end = (await collect(get_dify_backend()))[-1]

    assert end.usage["prompt_price"] == "0.0010330"
    assert Decimal(end.usage["total_price"]) == Decimal("0.0013030")
    assert end.usage["total_tokens"] == 1168
    assert end.usage["currency"] == "USD"
    assert end.usage["latency"] == pytest.approx(0.768)
    assert set(end.usage) == set(USAGE)
    assert not any(isinstance(v, float) for k, v in end.usage.items() if "price" in k)


async def test_request_carries_query_user_inputs_and_conversation(dify_server):
    conversation_id = str(uuid.uuid4())
    request = make_request(conversation_id=conversation_id)

    await collect(get_dify_backend(), request)

    [sent] = dify_server.chat_requests()
    assert sent.authorized
    assert sent.headers["Accept"] == "text/event-stream"
    assert sent.body["query"] == request.query
    assert sent.body["user"] == "analyst-7"
    assert sent.body["response_mode"] == "streaming"
    assert sent.body["auto_generate_name"] is True
    assert sent.body["conversation_id"] == conversation_id
    inputs = sent.body["inputs"]
    assert inputs["hawk_context"] == request.context
    assert inputs["intent"] == "inquiry"
    assert inputs["analysis_instructions"] == "Answer in two sentences."
    assert json.loads(inputs["parameters"]) == request.parameters
    assert json.loads(inputs["warnings"]) == request.warnings


async def test_new_conversation_sends_no_conversation_id(dify_server):
    chunks = await collect(get_dify_backend(), make_request(conversation_id=None))

    [sent] = dify_server.chat_requests()
    assert "conversation_id" not in sent.body
    assert chunks[-1].conversation_id  # the one Dify created


async def test_agent_messages_are_answers_and_thoughts_are_ignored(dify_server):
    dify_server.scenario = "agent"

    chunks = await collect(get_dify_backend())

    assert [c.kind for c in chunks] == ["answer", "answer", "answer", "end"]
    assert answer_of(chunks) == "".join(dify_server.answers)


async def test_message_replace_yields_a_replace_chunk(dify_server):
    dify_server.scenario = "replace"

    chunks = await collect(get_dify_backend())

    assert [c.kind for c in chunks] == ["answer", "answer", "answer", "replace", "end"]
    assert chunks[3].text == "[redacted by moderation]"


@pytest.mark.parametrize("end_first", [False, True])
async def test_chatflow_workflow_events_are_ignored_in_either_end_order(dify_server, end_first):
    dify_server.scenario = "chatflow"
    dify_server.end_first = end_first

    chunks = await collect(get_dify_backend())

    assert [c.kind for c in chunks] == ["answer", "answer", "answer", "end"]
    assert chunks[-1].usage["total_tokens"] == 1168


async def test_a_frame_that_is_not_json_is_skipped_with_a_warning(dify_server, caplog):
    dify_server.scenario = "bad_json"

    chunks = await collect(get_dify_backend())

    assert answer_of(chunks) == "".join(dify_server.answers)
    assert "not JSON" in caplog.text


# --- Errors in the stream ------------------------------------------------------------------


async def test_error_mid_stream_is_raised_as_answered(dify_server):
    dify_server.scenario = "error_mid_stream"

    error = await failure(get_dify_backend())

    assert error.code == "completion_request_error"
    assert error.answered is True
    assert error.status == 400
    assert "upstream model unavailable" in error.message


async def test_error_before_any_answer_is_unanswered(dify_server):
    dify_server.scenario = "error_first"

    error = await failure(get_dify_backend())

    assert (error.code, error.answered) == ("completion_request_error", False)


async def test_dropped_connection_mid_answer_is_lost_and_not_retried(dify_server):
    dify_server.scenario = "drop"

    error = await failure(get_dify_backend())

    assert (error.code, error.answered) == ("connection_lost", True)
    assert len(dify_server.chat_requests()) == 1


async def test_stream_without_message_end_is_incomplete(dify_server):
    dify_server.scenario = "no_end"

    error = await failure(get_dify_backend())

    assert (error.code, error.answered) == ("stream_incomplete", True)


async def test_a_silent_server_times_out_within_the_idle_timeout(dify_server, settings):
    settings.DIFY_READ_TIMEOUT = 0.3
    dify_server.scenario = "hang"

    started = time.monotonic()
    error = await failure(get_dify_backend())

    assert (error.code, error.answered) == ("timeout", False)
    assert time.monotonic() - started < 1.5
    assert len(dify_server.chat_requests()) == 1  # the request went out: not retried


async def test_silence_mid_answer_times_out_as_answered(dify_server, settings):
    # The read timeout also bounds the wait for the first chunk: generous enough that a busy
    # machine still delivers it, far below the silence that follows it.
    settings.DIFY_READ_TIMEOUT = 0.8
    dify_server.scenario = "answer"
    dify_server.delay = 3.0

    started = time.monotonic()
    error = await failure(get_dify_backend())

    assert (error.code, error.answered) == ("timeout", True)
    assert time.monotonic() - started < 2.5


async def test_the_run_deadline_bounds_a_long_answer(dify_server, settings):
    settings.DIFY_RUN_DEADLINE = 0.4
    dify_server.scenario = "slow"

    started = time.monotonic()
    error = await failure(get_dify_backend())

    assert (error.code, error.answered) == ("timeout", True)
    assert time.monotonic() - started < 1.5


# --- Errors before the stream, retries -----------------------------------------------------


async def test_unauthorized_is_not_retried(dify_server):
    dify_server.scenario = "http_401"

    error = await failure(get_dify_backend())

    assert (error.code, error.status, error.answered) == ("unauthorized", 401, False)
    assert error.message == "Access token is invalid"
    assert len(dify_server.chat_requests()) == 1


async def test_invalid_param_is_not_retried(dify_server):
    error = await failure(get_dify_backend(), make_request(user=""))

    assert (error.code, error.status) == ("invalid_param", 400)
    assert error.message == "Arg user must be provided."
    assert len(dify_server.chat_requests()) == 1


async def test_rate_limited_requests_are_retried_then_answered(dify_server):
    dify_server.scenario = "http_429"
    dify_server.failures = 2

    chunks = await collect(get_dify_backend())

    assert answer_of(chunks) == "".join(dify_server.answers)
    assert len(dify_server.chat_requests()) == 3


async def test_server_errors_are_retried_then_answered(dify_server):
    dify_server.scenario = "http_500"
    dify_server.failures = 1

    chunks = await collect(get_dify_backend())

    assert chunks[-1].kind == "end"
    assert len(dify_server.chat_requests()) == 2


async def test_server_errors_beyond_the_attempts_are_raised(dify_server):
    dify_server.scenario = "http_500"
    dify_server.failures = 10

    error = await failure(get_dify_backend())

    assert (error.code, error.status, error.answered) == ("internal_server_error", 500, False)
    assert len(dify_server.chat_requests()) == 3


async def test_refused_connection_is_retried_then_raised(dify_server, settings, caplog):
    settings.DIFY_BASE_URL = f"http://127.0.0.1:{closed_port()}/v1"

    error = await failure(get_dify_backend())

    assert (error.code, error.answered, error.status) == ("connection_error", False, 502)
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2  # three attempts


# --- Circuit breaker -----------------------------------------------------------------------


async def test_circuit_opens_after_consecutive_failures(dify_server, settings):
    settings.DIFY_RETRY_ATTEMPTS = 1
    dify_server.scenario = "http_500"
    dify_server.failures = 100
    circuit = CircuitBreaker(failure_threshold=2, cooldown_seconds=30, clock=FakeClock())
    backend = DifyBackend(api_key=API_KEY, circuit=circuit)

    for _ in range(2):
        await failure(backend)
    error = await failure(backend)

    assert (error.code, error.answered) == ("circuit_open", False)
    assert circuit.state == "open"
    assert len(dify_server.chat_requests()) == 2  # the third never left


async def test_circuit_half_opens_after_the_cooldown_and_closes_on_success(dify_server, settings):
    settings.DIFY_RETRY_ATTEMPTS = 1
    dify_server.scenario = "http_500"
    dify_server.failures = 2
    clock = FakeClock()
    circuit = CircuitBreaker(failure_threshold=2, cooldown_seconds=30, clock=clock)
    backend = DifyBackend(api_key=API_KEY, circuit=circuit)
    for _ in range(2):
        await failure(backend)

    clock.now += 30
    assert circuit.state == "half_open"
    chunks = await collect(backend)

    assert chunks[-1].kind == "end"
    assert circuit.state == "closed"


async def test_a_failed_trial_reopens_the_circuit(dify_server, settings):
    settings.DIFY_RETRY_ATTEMPTS = 1
    dify_server.scenario = "http_500"
    dify_server.failures = 100
    clock = FakeClock()
    circuit = CircuitBreaker(failure_threshold=1, cooldown_seconds=30, clock=clock)
    backend = DifyBackend(api_key=API_KEY, circuit=circuit)
    await failure(backend)

    clock.now += 31
    await failure(backend)

    assert circuit.state == "open"
    assert (await failure(backend)).code == "circuit_open"
    assert len(dify_server.chat_requests()) == 2


async def test_our_own_bad_requests_do_not_open_the_circuit(dify_server):
    circuit = CircuitBreaker(failure_threshold=1, cooldown_seconds=30, clock=FakeClock())
    backend = DifyBackend(api_key=API_KEY, circuit=circuit)

    error = await failure(backend, make_request(user=""))

    assert error.code == "invalid_param"
    assert circuit.state == "closed"


async def test_circuit_state_is_reported_for_health(dify_server, settings):
    settings.DIFY_RETRY_ATTEMPTS = 1
    settings.DIFY_CIRCUIT_FAILURES = 1
    dify_server.scenario = "http_500"
    dify_server.failures = 100
    assert dify_circuit_state() == "closed"

    await failure(get_dify_backend())

    assert dify_circuit_state() == "open"


# --- Stop, cancel, feedback ----------------------------------------------------------------


async def test_stop_posts_the_task_and_the_user(dify_server):
    await get_dify_backend().stop(task_id="task-42", user="analyst-7")

    assert dify_server.stopped_tasks == [("task-42", "analyst-7")]


async def test_stop_never_raises_when_dify_is_down(dify_server, settings, caplog):
    settings.DIFY_BASE_URL = f"http://127.0.0.1:{closed_port()}/v1"

    await get_dify_backend().stop(task_id="task-42", user="analyst-7")

    assert "Stopping Dify task task-42 failed" in caplog.text


async def test_leaving_the_stream_early_stops_the_dify_task_and_reads_its_usage(dify_server):
    dify_server.scenario = "slow"
    dify_server.delay = 0.02
    backend = get_dify_backend()
    stream = backend.stream(make_request())

    first = await anext(stream)
    await anext(stream)
    await stream.aclose()

    assert dify_server.stopped_tasks == [(first.task_id, "analyst-7")]
    # Dify ends a stopped task with message_end: its usage is what the stopped run cost.
    assert backend.usage_after_stop()["total_price"] == USAGE["total_price"]
    assert dify_server.aborted_streams == 0  # read to its end, not cut


@pytest.mark.parametrize(
    "fault",
    [{"after_stop": "silent"}, {"stop_delay": 3.0}],
    ids=["dify_never_ends_the_stopped_task", "dify_answers_the_stop_late"],
)
async def test_a_stop_without_usage_in_time_leaves_no_usage_within_the_stop_timeout(
    dify_server, settings, caplog, fault
):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    for name, value in fault.items():
        setattr(dify_server, name, value)
    settings.DIFY_STOP_TIMEOUT = 0.5
    backend = get_dify_backend()
    stream = backend.stream(make_request())
    await anext(stream)

    started = time.monotonic()
    await stream.aclose()

    assert time.monotonic() - started < 1.0
    assert backend.usage_after_stop() == {}
    assert "no usage from Dify after stopping" in caplog.text


async def test_cancelling_the_consumer_stops_the_dify_task_and_reads_its_usage(dify_server):
    dify_server.scenario = "slow"
    dify_server.delay = 0.02
    seen: list[AnalysisChunk] = []
    backend = get_dify_backend()

    async def consume() -> None:
        async for chunk in backend.stream(make_request()):
            seen.append(chunk)

    task = asyncio.create_task(consume())
    while len(seen) < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert dify_server.stopped_tasks == [(seen[0].task_id, "analyst-7")]
    # Cancelled while waiting for Dify's next chunk, the stream stays readable to its end.
    assert backend.usage_after_stop()["total_price"] == USAGE["total_price"]
    assert dify_server.aborted_streams == 0


async def test_feedback_for_a_known_message_is_accepted(dify_server):
    backend = get_dify_backend()
    message_id = (await collect(backend))[-1].message_id

    accepted = await backend.feedback(message_id=message_id, rating="like", user="analyst-7")

    assert accepted is True
    sent = dify_server.requests[-1]
    assert sent.path == f"/v1/messages/{message_id}/feedbacks"
    assert sent.body == {"rating": "like", "user": "analyst-7"}


async def test_feedback_for_an_unknown_message_is_not_found(dify_server):
    with pytest.raises(AnalysisError) as caught:
        await get_dify_backend().feedback(message_id="nope", rating=None, user="analyst-7")

    assert (caught.value.code, caught.value.status) == ("not_found", 404)
    assert caught.value.message == "Message Not Exists."


# --- Configuration and secrets -------------------------------------------------------------


async def test_a_category_uses_its_own_app_key(dify_server, settings):
    dify_server.api_keys = {"app-risk-only"}
    settings.DIFY_API_KEYS = {"risk_analysis": "app-risk-only"}

    chunks = await collect(get_dify_backend("RISK_ANALYSIS"))
    error = await failure(get_dify_backend("inquiry"))  # falls back to DIFY_API_KEY

    assert chunks[-1].kind == "end"
    assert error.code == "unauthorized"


async def test_no_backend_when_dify_is_not_configured(settings):
    settings.DIFY_BASE_URL = ""

    assert dify_configured() is False
    assert get_dify_backend("inquiry") is None


async def test_the_api_key_never_appears_in_errors_or_logs(dify_server, settings, caplog):
    caplog.set_level(logging.DEBUG)
    backend = get_dify_backend()
    errors = []
    for scenario in ("http_401", "http_500", "error_mid_stream", "drop"):
        dify_server.scenario, dify_server.failures = scenario, 10
        errors.append(await failure(backend))
    settings.DIFY_BASE_URL = f"http://127.0.0.1:{closed_port()}/v1"
    errors.append(await failure(get_dify_backend()))
    await get_dify_backend().stop(task_id="t", user="u")

    texts = [f"{e} {e.message} {e!r} {e.__cause__!r}" for e in errors] + [repr(backend)]
    assert caplog.records  # httpx and the retries did log
    assert not any(API_KEY in text for text in texts)
    assert API_KEY not in caplog.text
    assert all(API_KEY not in str(r.__dict__) for r in caplog.records)
