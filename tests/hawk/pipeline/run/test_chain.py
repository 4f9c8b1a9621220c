"""The fallback chain (HAWK_ANALYSIS_CHAIN) over real stand-ins of Dify and of an
OpenAI-compatible endpoint: the next backend answers when one fails before its first token, a
failure after it ends the run with an error and no second answer, a backend that keeps failing
cools down for every worker, and the router, budgets, cost and metrics work over the chain."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from prometheus_client import REGISTRY

from tests.hawk.pipeline.run.service_support import (
    DATA_EVENTS,
    answer_of,
    assert_answered_in_order,
    collect,
    make_run,
    names,
)
from tests.live import stored_run

pytestmark = pytest.mark.usefixtures("committed_demo")


def notices(events: list[dict]) -> list[dict]:
    return [event for event in events if event["event"] == "hawk_notice"]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_with_dify_failing_the_openai_endpoint_answers_without_error(
    dify_server, openai_server
):
    dify_server.scenario, dify_server.failures = "http_500", 10
    run = make_run()
    events = await collect(run)
    assert_answered_in_order(events, notice=True)
    assert "error" not in names(events)
    assert answer_of(events) == "## CNY 150,000.00: PASS\n"
    [notice] = notices(events)
    assert notice["code"] == "analysis_fallback"
    assert "OpenAI-compatible endpoint (openai)" in notice["message"].split(":")[0]
    assert "Dify (dify) is unavailable (internal_server_error)" in notice["message"]
    end = events[-1]
    assert end["backend"] == "openai" and end["metadata"]["usage"]["prompt_tokens"] == 2100
    record = await stored_run(run.run_id)
    assert (record.status, record.backend) == ("completed", "openai")
    assert record.total_price == Decimal("0.0003402")


async def test_with_both_failing_before_a_token_the_builtin_analyst_answers_naming_both(
    dify_server, openai_server
):
    dify_server.scenario, dify_server.failures = "http_500", 10
    openai_server.mode = "http_429"
    events = await collect(make_run())
    assert_answered_in_order(events, notice=True)
    [notice] = notices(events)
    assert notice["message"].startswith("answering with the built-in analyst: ")
    assert "Dify (dify) is unavailable (internal_server_error)" in notice["message"]
    assert "(openai) is unavailable (rate_limit_exceeded)" in notice["message"]
    assert events[-1]["backend"] == "builtin"
    assert answer_of(events).startswith("## CNY 150,000.00: PASS\n")


async def test_a_hanging_endpoint_passes_the_run_on_at_its_first_token_timeout(openai_server):
    openai_server.mode = "hang"
    events = await collect(make_run())
    assert events[-1]["backend"] == "builtin"
    assert "unavailable (timeout)" in notices(events)[0]["message"]


async def test_a_failure_mid_stream_ends_with_an_error_and_no_second_answer(openai_server):
    openai_server.mode, openai_server.answers = "drop", ["one ", "two ", "three"]
    run = make_run()
    events = await collect(run)
    assert names(events) == [*DATA_EVENTS, "message", "message", "error"]
    assert events[-1]["code"] == "analysis_failed"
    assert answer_of(events) == "one two "
    record = await stored_run(run.run_id)
    assert (record.status, record.backend, record.answer) == ("failed", "openai", "one two ")


async def test_a_backend_in_cooldown_is_skipped_without_a_request(openai_server, settings):
    settings.HAWK_BACKEND_COOLDOWN_FAILURES = 1
    openai_server.mode = "http_500"
    first = await collect(make_run())
    assert first[-1]["backend"] == "builtin"
    assert len(openai_server.chat_requests()) == 1

    second = await collect(make_run("What is the CNY hedge capacity?"))
    assert len(openai_server.chat_requests()) == 1  # no request within the cool-down
    assert second[-1]["backend"] == "builtin"
    assert "cooling down after repeated failures" in notices(second)[0]["message"]


async def test_the_cooldown_lives_in_the_shared_cache(openai_server, settings):
    settings.HAWK_BACKEND_COOLDOWN_FAILURES = 1
    openai_server.mode = "http_500"
    await collect(make_run())
    assert cache.get("hawk:backend:openai:cooldown") == 1
    cache.clear()  # what another worker would see once the cool-down has run out
    openai_server.mode = "ok"
    again = await collect(make_run("What is the CNY hedge capacity?"))
    assert again[-1]["backend"] == "openai"
    assert len(openai_server.chat_requests()) == 2


async def test_fewer_failures_than_the_threshold_start_no_cooldown(openai_server, settings):
    settings.HAWK_BACKEND_COOLDOWN_FAILURES = 2
    openai_server.mode = "http_500"
    await collect(make_run())
    openai_server.mode = "ok"
    again = await collect(make_run("What is the CNY hedge capacity?"))
    assert again[-1]["backend"] == "openai"


async def test_a_route_to_openai_leaves_dify_out(dify_server, openai_server, settings):
    settings.HAWK_ANALYSIS_ROUTES = {"utilisation": "openai"}
    events = await collect(make_run())
    assert events[-1]["backend"] == "openai"
    assert dify_server.chat_requests() == []


async def test_a_spent_budget_keeps_the_whole_chain_from_the_llm(openai_server, settings):
    # A run reserves 0.01 USD (HAWK_BUDGET_RUN_RESERVE_USD) before the chain is asked: the first
    # fits, costs 0.0003402 USD, and leaves too little for the second one's reservation.
    settings.HAWK_BUDGET_RUN_RESERVE_USD = Decimal("0.01")
    settings.HAWK_BUDGET_DAILY_USD = Decimal("0.0102")
    assert (await collect(make_run()))[-1]["backend"] == "openai"
    events = await collect(make_run("What is the CNY hedge capacity?"))
    assert notices(events)[0]["code"] == "budget_exceeded"
    assert events[-1]["backend"] == "builtin"
    assert len(openai_server.chat_requests()) == 1


async def test_failures_and_fallbacks_are_counted_per_backend(dify_server, openai_server):
    dify_server.scenario, dify_server.failures = "http_500", 10
    failures = sample("hawk_backend_failures_total", backend="dify", kind="server_error")
    fallbacks = sample("hawk_backend_fallbacks_total", backend="dify")
    calls = sample("hawk_analysis_calls_total", backend="openai", status="ok")
    await collect(make_run())
    assert (
        sample("hawk_backend_failures_total", backend="dify", kind="server_error") == failures + 1
    )
    assert sample("hawk_backend_fallbacks_total", backend="dify") == fallbacks + 1
    assert sample("hawk_analysis_calls_total", backend="openai", status="ok") == calls + 1
