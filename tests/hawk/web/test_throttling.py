"""The per-user rate limit of the agent endpoints: it limits while Redis is up, and a Redis
outage lets requests through (logged once), never a 500."""

import logging

import pytest

PLAN = "/hawk-agent/plan"
BODY = {"user_prompt": "hedge 150K CNY"}


def test_the_limit_answers_429_with_retry_after(api_client, settings):
    settings.AGENT_RATE_LIMIT = "2/min"
    statuses = [api_client.post(PLAN, BODY, format="json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = api_client.post(PLAN, BODY, format="json")
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0


@pytest.mark.redis
def test_agent_endpoints_answer_while_redis_is_down(api_client, redis_proxy):
    redis_proxy.stop()
    for path in (PLAN, "/hawk-agent/context"):
        response = api_client.post(path, BODY, format="json")
        assert response.status_code == 200, response.content[:300]


@pytest.mark.redis
def test_a_redis_outage_is_logged_once_and_its_end_once(api_client, redis_proxy, caplog):
    assert api_client.post(PLAN, BODY, format="json").status_code == 200  # Redis up
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="hawk.web.throttling"):
        redis_proxy.stop()
        for _ in range(3):
            assert api_client.post(PLAN, BODY, format="json").status_code == 200
        redis_proxy.start()
        for _ in range(2):
            assert api_client.post(PLAN, BODY, format="json").status_code == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "hawk.web.throttling"]
    assert len(logged) == 2, logged
    assert logged[0].startswith("rate limit not enforced: the shared cache is unavailable")
    assert logged[1] == "rate limit enforced again: the shared cache is back"
