"""The run service (hawk.pipeline.run) driven directly: the events of a run in order, the run
recorded in prompt history, Dify's answer relayed unchanged, the fallback to the built-in
analyst, the answer cache, and cancellation that stops the Dify task.

The run reads the database from its own threads, so these tests commit their data
(transactional_db) and load the demo bundle themselves.
"""

import asyncio
import uuid
from decimal import Decimal

import pytest
from django.db.models import F

from hawk.analysis.dify import dify_circuit_state, reset_dify_circuit
from hawk.database.threads import in_db_thread
from hawk.models import PositionNav
from hawk.pipeline.answer_cache import REPLAY_PIECE_CHARS
from hawk.pipeline.prepare import PromptInput, prepare
from hawk.pipeline.run import RunRequest, run_as_event_batches, run_as_events, run_events
from hawk.pipeline.run import control as run_control
from tests.dify_server import USAGE
from tests.hawk.pipeline.run.service_support import (
    DATA_EVENTS,
    answer_of,
    assert_answered_in_order,
    collect,
    deltas,
    make_run,
    names,
)
from tests.live import PROMPT, stored_run, wait_for_status

pytestmark = pytest.mark.usefixtures("committed_demo")


# --- the built-in analyst ---------------------------------------------------------------------


async def test_events_come_in_order_each_with_the_run_id():
    run = make_run()
    events = await collect(run)
    assert_answered_in_order(events)
    assert {event["run_id"] for event in events} == {str(run.run_id)}
    plan, context, facts = events[:3]
    assert plan["intent"] == "utilisation"
    assert plan["parameters"]["currency"] == "CNY"
    assert plan["parameters"]["amount"] == "150000.00"
    assert context["records"] > 0 and context["cache"] == "miss"
    assert context["context_chars"] > 0 and context["truncated"] is False
    assert facts["facts"]["currency"] == "CNY"


async def test_without_dify_the_builtin_analyst_answers_with_full_quality():
    events = await collect(make_run())
    end = events[-1]
    assert end["backend"] == "builtin"
    assert end["answer_cache"] == "miss"
    assert end["quality"]["score"] == 1.0
    assert end["quality"]["unverified_numbers"] == []
    assert end["metadata"]["usage"]["total_tokens"] == 0
    assert end["metadata"]["usage"]["total_price"] == "0"
    timings = end["timings"]
    assert set(timings) == {"plan_ms", "extraction_ms", "first_token_ms", "total_ms"}
    assert all(isinstance(value, float) and value >= 0 for value in timings.values())
    assert timings["total_ms"] >= timings["first_token_ms"]
    assert answer_of(events).startswith("## CNY 150,000.00: PASS\n")


async def test_the_run_is_recorded_as_completed_with_the_streamed_answer(analyst):
    run = make_run(user_id=analyst.pk, session_id="s-1")
    events = await collect(run)
    record = await stored_run(run.run_id)
    context, end = events[1], events[-1]
    assert record.status == "completed"
    assert record.answer == answer_of(events)
    assert record.user_id == analyst.pk and record.session_id == "s-1"
    assert record.channel == "http"
    assert record.intent == "utilisation"
    assert record.records == context["records"]
    assert record.cache_status == context["cache"] == "miss"
    assert record.answer_cache == "miss"
    assert record.backend == "builtin"
    assert record.quality_score == Decimal("1.0000")
    assert record.quality == end["quality"]
    assert record.timings == end["timings"]
    assert record.message_id == end["message_id"]
    assert record.finished_at is not None


# --- Dify ---------------------------------------------------------------------------------------


async def test_dify_answers_are_relayed_in_order_and_unchanged(dify_server):
    dify_server.answers = ["Capacity ", "for CNY ", "is ample: **PASS**.\n", "Done."]
    events = await collect(make_run())
    assert_answered_in_order(events)
    assert deltas(events) == dify_server.answers
    end = events[-1]
    assert end["backend"] == "dify"
    assert end["metadata"]["usage"] == USAGE
    messages = [event for event in events if event["event"] == "message"]
    assert {(m["message_id"], m["conversation_id"]) for m in messages} == {
        (end["message_id"], end["conversation_id"])
    }
    assert end["message_id"] in dify_server.message_ids


async def test_dify_usage_and_ids_are_recorded(dify_server, analyst):
    run = make_run(user_id=analyst.pk)
    events = await collect(run)
    record = await stored_run(run.run_id)
    end = events[-1]
    assert record.status == "completed" and record.backend == "dify"
    assert record.answer == "".join(dify_server.answers)
    assert record.prompt_tokens == USAGE["prompt_tokens"]
    assert record.completion_tokens == USAGE["completion_tokens"]
    assert record.total_price == Decimal(USAGE["total_price"])
    assert record.price_currency == "USD"
    assert record.usage == USAGE
    assert record.conversation_id == end["conversation_id"] != ""
    assert record.message_id == end["message_id"] != ""


async def test_dify_receives_the_prompt_and_the_built_context(dify_server, analyst):
    await collect(make_run(user_id=analyst.pk))
    built = await in_db_thread(prepare, PromptInput(PROMPT))
    [request] = dify_server.chat_requests()
    assert request.authorized
    assert request.body["query"] == PROMPT
    assert request.body["user"] == f"hawk-user-{analyst.pk}"
    assert request.body["response_mode"] == "streaming"
    assert "conversation_id" not in request.body
    context = request.body["inputs"]["hawk_context"]
    assert context.startswith("# HAWK context")
    assert context == built.context.text
    assert request.body["inputs"]["intent"] == "utilisation"


async def test_dify_failing_before_the_stream_falls_back_to_the_builtin_analyst(dify_server):
    dify_server.scenario, dify_server.failures = "http_500", 10
    run = make_run()
    events = await collect(run)
    assert_answered_in_order(events, notice=True)
    notice = events[3]
    assert notice["code"] == "analysis_fallback"
    assert "dify" in notice["message"]
    assert events[-1]["backend"] == "builtin"
    assert answer_of(events).startswith("## CNY 150,000.00: PASS\n")
    assert len(dify_server.chat_requests()) == 3  # the retry attempts, then no more
    record = await stored_run(run.run_id)
    assert record.status == "completed" and record.backend == "builtin"
    assert record.answer == answer_of(events)


async def test_an_error_mid_stream_ends_the_run_as_failed_with_the_partial_answer(dify_server):
    dify_server.scenario = "error_mid_stream"
    run = make_run()
    events = await collect(run)
    assert names(events) == [*DATA_EVENTS, "message", "message", "message", "error"]
    error = events[-1]
    assert error["code"] == "analysis_failed"
    assert error["status"] == 502
    assert "upstream model unavailable" in error["message"]
    assert error["run_id"] == str(run.run_id)
    record = await stored_run(run.run_id)
    assert record.status == "failed"
    assert record.answer == "".join(dify_server.answers)
    assert record.error["code"] == "analysis_failed"
    assert record.backend == "dify"


async def test_a_moderated_answer_is_replaced_and_recorded_as_replaced(dify_server):
    dify_server.scenario = "replace"
    run = make_run()
    events = await collect(run)
    assert names(events)[-2:] == ["message_replace", "message_end"]
    assert events[-2]["answer"] == "[redacted by moderation]"
    record = await stored_run(run.run_id)
    assert (record.status, record.answer) == ("completed", "[redacted by moderation]")


async def test_a_fallback_answer_is_not_replayed_when_dify_is_back(dify_server):
    dify_server.scenario, dify_server.failures = "http_500", 3  # exactly the retry attempts
    fallback = await collect(make_run())
    assert fallback[-1]["backend"] == "builtin"

    again = await collect(make_run())
    assert again[-1]["backend"] == "dify"
    assert again[-1]["answer_cache"] == "miss"
    assert answer_of(again) == "".join(dify_server.answers)


async def test_an_open_circuit_answers_with_the_builtin_analyst_without_asking_dify(
    dify_server, settings
):
    settings.DIFY_CIRCUIT_FAILURES = 1
    reset_dify_circuit()  # the breaker reads its threshold when it is built
    dify_server.scenario, dify_server.failures = "http_500", 10
    await collect(make_run())
    assert dify_circuit_state() == "open"
    asked = len(dify_server.chat_requests())

    run = make_run("What is the CNY hedge capacity?")
    events = await collect(run)
    assert_answered_in_order(events, notice=True)
    assert events[3]["code"] == "analysis_fallback"
    assert "circuit open" in events[3]["message"]
    assert events[-1]["backend"] == "builtin"
    assert len(dify_server.chat_requests()) == asked
    assert (await stored_run(run.run_id)).backend == "builtin"


# --- the answer cache -----------------------------------------------------------------------


async def test_a_second_identical_run_replays_the_cached_answer(dify_server):
    first = await collect(make_run())
    second_run = make_run()
    second = await collect(second_run)
    assert first[-1]["answer_cache"] == "miss"
    assert_answered_in_order(second)
    assert second[-1]["answer_cache"] == "hit"
    assert second[-1]["backend"] == "dify"
    assert answer_of(second) == answer_of(first) == "".join(dify_server.answers)
    assert second[-1]["metadata"]["usage"] == USAGE
    assert len(dify_server.chat_requests()) == 1
    record = await stored_run(second_run.run_id)
    assert record.answer_cache == "hit" and record.answer == answer_of(first)


async def test_a_replayed_answer_comes_in_a_few_pieces_cut_at_line_ends():
    """Nothing is waited for in a replay: the answer goes out in pieces of about
    REPLAY_PIECE_CHARS (a frame each, for the server and the client), cut at line ends."""
    first = await collect(make_run())
    replayed = await collect(make_run())
    assert replayed[-1]["answer_cache"] == "hit"
    answer, pieces = answer_of(first), deltas(replayed)
    assert "".join(pieces) == answer
    assert len(answer) > 2 * REPLAY_PIECE_CHARS
    assert len(pieces) <= len(answer) // REPLAY_PIECE_CHARS + 2
    assert all(piece.endswith("\n") for piece in pieces[:-1])
    assert all(len(piece) <= REPLAY_PIECE_CHARS for piece in pieces)


async def test_events_made_back_to_back_come_in_one_batch_in_order():
    """A replayed answer's pieces are made without a wait between them: the transports get
    them as one batch (one write for SSE); flattened, the batches are the run's events in
    order, as run_as_events gives them."""
    first = await collect(make_run())
    batches = [batch async for batch in run_as_event_batches(make_run()) if batch is not None]
    events = [event for batch in batches for event in batch]
    assert_answered_in_order(events)
    assert events[-1]["answer_cache"] == "hit"
    assert answer_of(events) == answer_of(first)
    [answer_batch] = [batch for batch in batches if "message" in names(batch)]
    assert names(answer_batch) == ["message"] * len(deltas(events)) and len(answer_batch) > 1
    assert len(batches) < len(events)
    flat = [event async for event in run_as_events(make_run()) if event is not None]
    assert names(flat) == names(events)


async def test_use_cache_false_asks_again_and_still_writes_the_answer(dify_server):
    await collect(make_run())
    dify_server.answers = ["A fresher ", "answer."]
    bypass = await collect(make_run(use_cache=False))
    assert bypass[-1]["answer_cache"] == "miss"
    assert answer_of(bypass) == "A fresher answer."
    assert len(dify_server.chat_requests()) == 2

    replayed = await collect(make_run())
    assert replayed[-1]["answer_cache"] == "hit"
    assert answer_of(replayed) == "A fresher answer."  # what the bypassing run wrote
    assert len(dify_server.chat_requests()) == 2


async def test_a_data_write_makes_the_next_run_a_miss(dify_server):
    await collect(make_run())
    changed = await in_db_thread(
        lambda: PositionNav.objects.filter(currency_id="CNY").update(
            current_position=F("current_position") + 1000
        )
    )
    assert changed > 0
    after = await collect(make_run())
    assert after[-1]["answer_cache"] == "miss"
    assert after[1]["by_source"]["positions"]["cache"] == "miss"
    assert len(dify_server.chat_requests()) == 2


async def test_an_answer_read_before_a_write_is_not_replayed_after_it():
    """A write that commits while the run is being answered (after its data was read) must
    not let the old answer be replayed over the new data."""
    run = run_events(make_run())
    while (await anext(run))["event"] != "hawk_facts":
        pass
    await in_db_thread(
        lambda: PositionNav.objects.filter(currency_id="CNY").update(
            current_position=F("current_position") + 1_000_000
        )
    )
    first = [event async for event in run]
    assert first[-1]["event"] == "message_end"

    after = await collect(make_run())
    assert after[-1]["answer_cache"] == "miss"
    assert after[1]["by_source"]["positions"]["cache"] == "miss"


async def test_a_conversation_disables_the_answer_cache(dify_server):
    conversation = str(uuid.uuid4())
    first_run = make_run(conversation_id=conversation)
    first = await collect(first_run)
    second = await collect(make_run(conversation_id=conversation))
    assert [first[-1]["answer_cache"], second[-1]["answer_cache"]] == ["miss", "miss"]
    requests = dify_server.chat_requests()
    assert [r.body["conversation_id"] for r in requests] == [conversation, conversation]
    assert (await stored_run(first_run.run_id)).conversation_id == conversation


# --- cancellation -----------------------------------------------------------------------------


async def consume_until_answering(
    run: RunRequest, received: list[dict], parts: int
) -> asyncio.Task:
    """A task consuming the run into `received`; returned once `parts` answer deltas arrived."""
    answering = asyncio.Event()

    async def consume() -> None:
        async for event in run_events(run):
            received.append(event)
            if len(deltas(received)) >= parts:
                answering.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(answering.wait(), timeout=5)
    return task


async def test_cancelling_the_consumer_records_the_partial_answer_and_stops_dify(
    dify_server, analyst
):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    run, received = make_run(user_id=analyst.pk), []
    task = await consume_until_answering(run, received, parts=3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    record = await stored_run(run.run_id)
    assert record.status == "cancelled"
    assert record.answer == answer_of(received)
    assert record.answer.startswith("part 0 part 1 part 2 ")
    assert record.task_id
    assert (record.task_id, f"hawk-user-{analyst.pk}") in dify_server.stopped_tasks
    assert "message_end" not in names(received)


async def test_a_cancelled_run_asks_dify_to_stop_its_task_once(dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    run, received = make_run(), []
    task = await consume_until_answering(run, received, parts=2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    record = await stored_run(run.run_id)
    assert [task for task, _ in dify_server.stopped_tasks] == [record.task_id]


async def test_a_stop_request_cancels_the_run_and_stops_dify(dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    run, received = make_run(), []
    task = await consume_until_answering(run, received, parts=2)
    # Not registered in this process: the run sees the shared stop flag between chunks.
    assert run_control.request_stop(run.run_id) is False
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=5)

    record = await stored_run(run.run_id)
    assert record.status == "cancelled"
    assert record.answer == answer_of(received)
    assert dify_server.stop_requested(record.task_id)


async def test_a_stop_request_for_a_run_of_this_process_cancels_it_at_once(dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    run, received = make_run(), []
    task = await consume_until_answering(run, received, parts=2)
    run_control.register(run.run_id, task)
    try:
        assert run_control.request_stop(run.run_id) is True
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)
    finally:
        run_control.unregister(run.run_id)

    record = await stored_run(run.run_id)
    assert record.status == "cancelled"
    assert record.answer == answer_of(received)
    assert dify_server.stop_requested(record.task_id)


@pytest.mark.parametrize(
    "closed_after", [0.05, 0.25], ids=["early-in-the-stop", "late-in-the-stop"]
)
async def test_stop_then_closing_the_stream_still_records_the_run(dify_server, closed_after):
    """The UI's flow: "Stop" (the run is cancelled and starts stopping the Dify task, which
    takes Dify a while), then the stream is closed, which cancels the run a second time."""
    dify_server.scenario, dify_server.delay, dify_server.stop_delay = "slow", 0.02, 0.3
    run, received = make_run(), []

    async def stream() -> None:  # what the SSE view and the WebSocket consumer do
        async for event in run_as_events(run):
            if event is not None:
                received.append(event)

    client = asyncio.create_task(stream())
    while len(deltas(received)) < 2:
        await asyncio.sleep(0.01)
    assert run_control.request_stop(run.run_id) is True
    await asyncio.sleep(closed_after)
    client.cancel()
    with pytest.raises(asyncio.CancelledError):
        await client

    record = await wait_for_status(run.run_id, "cancelled")
    assert record.answer.startswith(answer_of(received))
    assert record.finished_at is not None
    assert dify_server.stop_requested(record.task_id)


async def test_a_warm_run_takes_five_trips_to_a_database_thread(monkeypatch):
    """Each trip wakes a pool thread and then the loop, both waiting for the GIL among a loaded
    worker's others: the understanding, the history row, the extraction (every source a hit),
    the backend's choice with its answer-cache lookup, the record of the end. Facts and
    context are pure computation over what was read: no trip of their own."""
    from hawk.database import threads

    await collect(make_run())  # the sources read once, now cached
    trips: list[str] = []
    pool = threads.db_executor()
    submit = pool.submit

    def counted(fn, *args, **kwargs):
        inner = args[0] if fn is threads.call_and_release else fn
        trips.append(getattr(inner, "__name__", repr(inner)))
        return submit(fn, *args, **kwargs)

    monkeypatch.setattr(pool, "submit", counted)
    events = await collect(make_run())
    assert events[1]["cache"] == "hit"
    assert trips == [
        "understand_and_plan",
        "_create_record",
        "_cache_round_done",
        "_choose_and_look_up",
        "_complete",
    ]
