"""The platform's own prompt history: when a run with the Angular app's msg_uid ends, its row in
hawk_agent_sessions is brought to the run's end state; a missing row, a missing table or a
read-only role changes nothing and fails nothing.

The table is the platform's (never migrated): each test creates it with plain SQL in the test
database, where the HAWK tables live outside live mode, and drops it afterwards.
"""

import asyncio

import pytest

from hawk.database.platform import forget_hawk_database_writable
from hawk.database.threads import in_db_thread
from hawk.pipeline.run import RunRequest, run_events
from tests.dify_server import USAGE
from tests.hawk.pipeline.run.support import (
    MSG_UID,
    collect,
    counted,
    ended_row,
    make_run,
    pending_row,
    session_row,
    updates,
)
from tests.live import stored_run

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("committed_demo")]


async def cancel_when_answering(run: RunRequest) -> None:
    """Consume the run until its first answer delta, then cancel it as a client leaving."""
    answering = asyncio.Event()

    async def consume() -> None:
        async for event in run_events(run):
            if event["event"] == "message":
                answering.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(answering.wait(), timeout=5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.usefixtures("agent_sessions")
async def test_a_completed_run_completes_the_apps_row(dify_server):
    row_id, before = await in_db_thread(pending_row), updates("updated")
    run = make_run()
    events = await collect(run)
    row = await ended_row(row_id, before)
    assert events[-1]["event"] == "message_end"
    assert row["agent_status"] == "completed"
    assert row["agent_response"] == {
        "answer": "".join(dify_server.answers),
        "run_id": str(run.run_id),
        "backend": "dify",
    }
    assert (row["input_tokens"], row["output_tokens"], row["total_tokens"]) == (
        USAGE["prompt_tokens"],
        USAGE["completion_tokens"],
        USAGE["total_tokens"],
    )
    assert row["execution_time_ms"] == round(events[-1]["timings"]["total_ms"])
    assert row["agent_end_time"] is not None and row["updated_at"] >= row["created_at"]
    assert row["error_details"] is None
    assert (row["msg_uid"], row["user_id"], row["metadata"]) == (MSG_UID, "u-1", {})
    assert (await stored_run(run.run_id)).msg_uid == MSG_UID


@pytest.mark.usefixtures("agent_sessions")
async def test_a_failed_run_fails_the_apps_row_with_the_error(dify_server):
    dify_server.scenario = "error_mid_stream"
    row_id, before = await in_db_thread(pending_row), updates("updated")
    run = make_run()
    await collect(run)
    row = await ended_row(row_id, before)
    assert row["agent_status"] == "failed"
    assert row["error_details"]["code"] == "analysis_failed"
    assert "upstream model unavailable" in row["error_details"]["message"]
    assert row["agent_response"]["answer"] == "".join(dify_server.answers)
    assert row["agent_end_time"] is not None and row["execution_time_ms"] >= 0
    assert (await stored_run(run.run_id)).status == "failed"


@pytest.mark.usefixtures("agent_sessions")
async def test_a_cancelled_run_cancels_the_apps_row_with_the_partial_answer(dify_server):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    row_id, before = await in_db_thread(pending_row), updates("updated")
    run = make_run()
    await cancel_when_answering(run)
    row = await ended_row(row_id, before)
    record = await stored_run(run.run_id)
    assert record.status == "cancelled"
    assert row["agent_status"] == "cancelled"
    assert row["agent_response"]["answer"] == record.answer != ""
    assert row["error_details"] is None and row["agent_end_time"] is not None


@pytest.mark.usefixtures("agent_sessions")
async def test_only_the_newest_row_of_the_msg_uid_and_instruction_is_updated():
    older = await in_db_thread(pending_row)
    other_instruction = await in_db_thread(pending_row, MSG_UID, "INS-00002")
    newest, before = await in_db_thread(pending_row), updates("updated")
    await collect(make_run())
    assert (await ended_row(newest, before))["agent_status"] == "completed"
    assert (await in_db_thread(session_row, older))["agent_status"] == "pending"
    assert (await in_db_thread(session_row, other_instruction))["agent_status"] == "pending"


@pytest.mark.usefixtures("agent_sessions")
async def test_a_run_whose_row_does_not_exist_is_skipped():
    someone_elses, before = await in_db_thread(pending_row, "MSG-OTHER"), updates("missing")
    events = await collect(make_run())
    await counted("missing", before)
    assert events[-1]["event"] == "message_end"
    assert (await in_db_thread(session_row, someone_elses))["agent_status"] == "pending"


async def test_without_the_table_nothing_is_written_and_the_run_completes():
    await in_db_thread(forget_hawk_database_writable)
    before = updates("not_writable")
    run = make_run()
    events = await collect(run)
    await counted("not_writable", before)
    assert events[-1]["event"] == "message_end"
    assert (await stored_run(run.run_id)).status == "completed"


@pytest.mark.usefixtures("agent_sessions")
async def test_a_run_without_a_msg_uid_touches_no_row():
    row_id = await in_db_thread(pending_row)
    counts = {result: updates(result) for result in ("updated", "missing", "error")}
    await collect(make_run(msg_uid=""))
    await asyncio.sleep(0.2)
    assert {result: updates(result) for result in counts} == counts
    assert (await in_db_thread(session_row, row_id))["agent_status"] == "pending"
