"""POST /cache/warm, manage.py warm_cache, GET /system/status, and local-memory counts."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from cache_admin.warming import cache_warm
from hawk.datacache.entries import cache_entries
from hawk.models import AgentRun
from tests.roles import client_with_role

CNY_CAPACITY = {"user_prompt": "capacity", "template_category": "utilisation", "currency": "CNY"}


@pytest.fixture
def ops_client(db, django_user_model):
    return client_with_role(django_user_model, "ops1", "operations")


def _history(user, times=3):
    for _ in range(times):
        AgentRun.objects.create(
            user=user, prompt="p", intent="utilisation", parameters={"currency": "CNY"}
        )
    AgentRun.objects.create(user=user, prompt="q", intent="inquiry", parameters={"currency": "HKD"})


def test_warming_fills_the_most_asked_plans_so_the_next_answer_hits(
    api_client, ops_client, user, demo_data
):
    _history(user)
    response = ops_client.post("/cache/warm", {"limit": 5}, format="json")
    assert response.status_code == 200
    warmed = response.json()["warmed"]
    assert [(w["intent"], w["currency"], w["runs"]) for w in warmed] == [
        ("utilisation", "CNY", 3),
        ("inquiry", "HKD", 1),
    ]
    assert warmed[0]["cache"] == "miss"
    body = api_client.post("/hawk-agent/context", CNY_CAPACITY, format="json").json()
    assert body["cache"] == "hit"


def test_runs_without_a_currency_are_warmed_without_one_never_as_null(user, demo_data):
    AgentRun.objects.create(user=user, prompt="r", intent="rollover", parameters={"currency": None})
    AgentRun.objects.create(user=user, prompt="r", intent="rollover", parameters={})

    warmed = cache_warm(limit=5)["warmed"]

    assert [(w["intent"], w["currency"], w["runs"]) for w in warmed] == [("rollover", None, 2)]
    assert all("null" not in str(entry.filters) for entry in cache_entries())


def test_only_operations_may_warm(api_client, demo_data):
    assert api_client.post("/cache/warm", {}, format="json").status_code == 403


def test_the_warm_cache_command_says_what_it_warmed(user, demo_data):
    _history(user)
    out = io.StringIO()
    call_command("warm_cache", "--limit", "1", stdout=out)
    assert "utilisation CNY" in out.getvalue() and "warmed 1 plan(s)" in out.getvalue()


@pytest.mark.redis
def test_system_status_reports_every_component(ops_client, demo_data):
    body = ops_client.get("/system/status").json()
    assert body["status"] == "healthy"
    assert body["components"]["database"] == "connected"
    assert body["components"]["redis"] == "connected"
    assert body["components"]["channel_layer"].startswith("connected")
    assert body["components"]["dify"] == {"status": "not_configured", "circuit": None}
    assert body["counts"]["entities"] == 44
    assert body["analysis_backend"] == "builtin"
    assert body["budget"]["llm_cost_today"] == "0.0000000"  # USD at the cost column's 7 places
    budgets = {(b["scope"], b["period"]): b for b in body["budget"]["budgets"]}
    assert set(budgets) == {("overall", "daily"), ("overall", "monthly")}
    assert budgets["overall", "daily"]["used_usd"] == "0.000000"


def test_system_status_shows_the_budget_used_and_remaining(ops_client, db, settings):
    settings.HAWK_BUDGET_DAILY_USD = Decimal("2")
    AgentRun.objects.create(prompt="q", intent="inquiry", status="completed",
                            total_price=Decimal("0.5"), backend="dify")  # fmt: skip

    daily = next(
        budget
        for budget in ops_client.get("/system/status").json()["budget"]["budgets"]
        if budget["period"] == "daily"
    )

    assert (daily["limit_usd"], daily["used_usd"], daily["remaining_usd"]) == (
        "2.000000",
        "0.500000",
        "1.500000",
    )


@pytest.mark.redis
def test_system_status_says_when_redis_is_down(ops_client, redis_proxy, db):
    assert ops_client.get("/system/status").json()["components"]["redis"] == "connected"
    redis_proxy.stop()
    body = ops_client.get("/system/status").json()
    assert body["components"]["redis"].startswith("error")
    assert body["status"] == "degraded"
    assert body["cache"]["degraded"] is True


def test_system_status_is_for_operations(api_client):
    assert api_client.get("/system/status").status_code == 403


def test_stats_count_entries_on_the_local_memory_cache(api_client, demo_data, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    api_client.post("/hawk-agent/context", CNY_CAPACITY, format="json")
    stats = api_client.get("/cache/stats").json()
    assert stats["backend"] == "local-memory"
    assert stats["keys"] == 10
    assert stats["memory_bytes"] > 0
