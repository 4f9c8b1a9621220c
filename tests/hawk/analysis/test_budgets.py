"""LLM budgets: the spend read from prompt history, and a run over budget answered by the
built-in analyst with the budget_exceeded notice (API.md), through the real run service and
the Dify stand-in."""

import asyncio
import datetime
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.db.models import Sum

from hawk.analysis.budgets import budget_status, period_start
from hawk.models import AgentRun
from hawk.pipeline.prepare import PromptInput
from hawk.pipeline.run import RunRequest, run_events
from tests import dify_server as dify_stand_in
from tests.dify_server import USAGE

pytestmark = pytest.mark.postgres
PROMPT = "Check if I can hedge 150K CNY today"


def spend(usd: str, user=None, **fields) -> AgentRun:
    return AgentRun.objects.create(
        prompt="earlier", user=user, total_price=Decimal(usd), price_currency="USD", **fields
    )


async def collect(run: RunRequest) -> list[dict]:
    return [event async for event in run_events(run)]


def test_the_day_and_month_start_at_utc_midnight():
    now = datetime.datetime(
        2026, 3, 14, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
    )
    assert period_start("daily", now) == datetime.datetime(2026, 3, 15, tzinfo=datetime.UTC)
    assert period_start("monthly", now) == datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)


def test_status_shows_used_and_remaining_overall_and_for_the_user(db, settings, django_user_model):
    settings.HAWK_BUDGET_DAILY_USD = Decimal("1.00")
    settings.HAWK_BUDGET_USER_MONTHLY_USD = Decimal("0.50")
    user = django_user_model.objects.create(username="ana")
    spend("0.30", user)
    spend("0.20")
    spend("5.00", created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    status = {(b.scope, b.period): b.as_dict() for b in budget_status(user_id=user.pk)}
    assert status["overall", "daily"]["used_usd"] == "0.500000"
    assert status["overall", "daily"]["remaining_usd"] == "0.500000"
    assert status["overall", "daily"]["used_ratio"] == 0.5
    assert status["overall", "monthly"]["limit_usd"] is None
    assert status["user", "monthly"]["used_usd"] == "0.300000"
    assert status["user", "monthly"]["remaining_usd"] == "0.200000"


async def test_a_dify_run_records_its_cost_and_spends_the_budget(
    committed_demo, dify_server, settings
):
    settings.HAWK_BUDGET_DAILY_USD = Decimal("0.0015")  # one stand-in answer costs 0.001303
    settings.HAWK_BUDGET_RUN_RESERVE_USD = Decimal("0.001")  # a run needs this much left
    first = RunRequest(PromptInput(PROMPT), None)
    events = await collect(first)
    assert events[-1]["backend"] == "dify"
    record = await AgentRun.objects.aget(run_id=first.run_id)
    assert (record.total_price, record.price_currency) == (Decimal("0.0013030"), "USD")
    assert (record.prompt_tokens, record.completion_tokens) == (1033, 135)

    asked = len(dify_server.chat_requests())
    over = RunRequest(PromptInput("What is the CNY hedge capacity?"), None)
    events = await collect(over)
    notices = [event for event in events if event["event"] == "hawk_notice"]
    assert [notice["code"] for notice in notices] == ["budget_exceeded"]
    assert "daily LLM budget" in notices[0]["message"]
    assert events[-1]["event"] == "message_end" and events[-1]["backend"] == "builtin"
    assert len(dify_server.chat_requests()) == asked
    stored = await AgentRun.objects.aget(run_id=over.run_id)
    assert (stored.status, stored.backend, stored.total_price) == ("completed", "builtin", 0)


async def test_a_user_over_their_budget_is_answered_by_the_builtin_analyst(
    committed_demo, dify_server, settings, django_user_model
):
    settings.HAWK_BUDGET_USER_DAILY_USD = Decimal("0.10")
    user = await django_user_model.objects.acreate(username="spender")
    await AgentRun.objects.acreate(prompt="earlier", user=user, total_price=Decimal("0.10"))
    events = await collect(RunRequest(PromptInput(PROMPT), user.pk))
    assert [e["code"] for e in events if e["event"] == "hawk_notice"] == ["budget_exceeded"]
    assert events[-1]["backend"] == "builtin"
    others = await collect(RunRequest(PromptInput(PROMPT), None))
    assert others[-1]["backend"] == "dify"


async def test_a_run_without_a_dify_price_is_priced_by_the_table(
    committed_demo, dify_server, settings, monkeypatch
):
    settings.HAWK_LLM_PRICES = {settings.HAWK_LLM_MODEL: (Decimal(1), Decimal(2))}
    monkeypatch.setattr(dify_stand_in, "USAGE", {**USAGE, "total_price": "0"})
    run = RunRequest(PromptInput(PROMPT), None)
    await collect(run)
    record = await AgentRun.objects.aget(run_id=run.run_id)
    assert record.total_price == (1033 * 1 + 135 * 2) / Decimal(1_000_000)


async def test_parallel_runs_of_one_user_never_spend_more_than_the_budget_left(
    committed_demo, dify_server, settings, monkeypatch, django_user_model
):
    """Six runs at once against 0.015 USD, each answer costing 0.01: each run reserves its
    expected cost before Dify is asked, so one goes to Dify and five get the built-in analyst."""
    settings.HAWK_BUDGET_USER_DAILY_USD = Decimal("0.015")
    settings.HAWK_BUDGET_RUN_RESERVE_USD = Decimal("0.01")
    monkeypatch.setattr(dify_stand_in, "USAGE", {**USAGE, "total_price": "0.01"})
    user = await django_user_model.objects.acreate(username="parallel")
    runs = [RunRequest(PromptInput(PROMPT, use_cache=False), user.pk) for _ in range(6)]
    endings = [events[-1] for events in await asyncio.gather(*map(collect, runs))]
    assert sorted(ending["backend"] for ending in endings) == ["builtin"] * 5 + ["dify"]
    assert len(dify_server.chat_requests()) == 1
    spent = await AgentRun.objects.filter(user=user).aaggregate(total=Sum("total_price"))
    assert spent["total"] == Decimal("0.01")


async def test_a_finished_run_releases_its_reservation(committed_demo, dify_server, settings):
    settings.HAWK_BUDGET_DAILY_USD = Decimal("1")
    settings.HAWK_BUDGET_RUN_RESERVE_USD = Decimal("0.5")
    run = RunRequest(PromptInput(PROMPT, use_cache=False), None)
    await collect(run)
    record = await AgentRun.objects.aget(run_id=run.run_id)
    assert (record.reserved_usd, record.total_price) == (0, Decimal("0.0013030"))
    [daily, _] = await sync_to_async(budget_status)()
    assert (daily.reserved_usd, daily.used_usd) == (0, Decimal("0.0013030"))
