"""What a run that does not complete costs: a cancelled or failed Dify run is charged what it
used, estimated from its context and its streamed answer when Dify gave no usage, and marked
so."""

import asyncio
import time
from decimal import Decimal

import pytest

from hawk.analysis.cost import table_price
from hawk.pipeline.prepare import PromptInput
from hawk.pipeline.run import RunRequest, run_events
from tests.live import PROMPT, stored_run

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("committed_demo")]
PRICES = (Decimal(1), Decimal(2))  # USD per million tokens, in and out


@pytest.fixture(autouse=True)
def _prices(settings):
    settings.HAWK_LLM_PRICES = {settings.HAWK_LLM_MODEL: PRICES}


async def answered_then_cancelled(run: RunRequest, parts: int) -> list[dict]:
    received: list[dict] = []

    async def consume() -> None:
        async for event in run_events(run):
            received.append(event)

    task = asyncio.create_task(consume())
    while sum(event["event"] == "message" for event in received) < parts:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return received


def least_estimate(answer: str) -> Decimal:
    """The output tokens alone: the estimate also prices the context sent."""
    return table_price(0, len(answer) // 4)


async def test_a_cancelled_dify_run_is_charged_the_usage_dify_reports_for_the_stopped_task(
    dify_server,
):
    dify_server.scenario, dify_server.delay = "slow", 0.02
    run = RunRequest(PromptInput(PROMPT, use_cache=False), None)
    await answered_then_cancelled(run, parts=3)
    record = await stored_run(run.run_id)
    assert record.status == "cancelled"
    assert (record.total_price, record.cost_estimated) == (Decimal("0.0013030"), False)
    assert (record.prompt_tokens, record.completion_tokens) == (1033, 135)


async def test_a_cancelled_dify_run_is_charged_an_estimate_when_dify_sends_no_usage_in_time(
    dify_server, settings, caplog
):
    dify_server.scenario, dify_server.delay, dify_server.after_stop = "slow", 0.02, "silent"
    settings.DIFY_STOP_TIMEOUT = 0.5
    run = RunRequest(PromptInput(PROMPT, use_cache=False), None)
    started = time.monotonic()
    await answered_then_cancelled(run, parts=3)
    assert time.monotonic() - started < 3.0  # the stop's bound, not Dify's silence
    assert "no usage from Dify after stopping" in caplog.text
    record = await stored_run(run.run_id)
    assert record.status == "cancelled"
    assert record.cost_estimated is True
    assert record.price_currency == "USD"
    assert record.prompt_tokens > 100  # the context it was sent
    assert record.total_price > least_estimate(record.answer)


async def test_a_dify_run_failing_mid_answer_is_charged_an_estimate(dify_server):
    dify_server.scenario = "error_mid_stream"
    run = RunRequest(PromptInput(PROMPT, use_cache=False), None)
    events = [event async for event in run_events(run)]
    assert events[-1]["event"] == "error"
    record = await stored_run(run.run_id)
    assert (record.status, record.cost_estimated) == ("failed", True)
    assert record.total_price > least_estimate(record.answer) > 0


async def test_a_completed_dify_run_is_charged_dify_price_not_an_estimate(dify_server):
    run = RunRequest(PromptInput(PROMPT, use_cache=False), None)
    [event async for event in run_events(run)]
    record = await stored_run(run.run_id)
    assert (record.total_price, record.cost_estimated) == (Decimal("0.0013030"), False)
