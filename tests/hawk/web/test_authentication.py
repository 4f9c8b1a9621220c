"""Token authentication from the cache: no query once a token is known, and every change
made through the ORM (token deleted, user deactivated, groups changed) counts at once; one made
around it within HAWK_AUTH_CACHE_SECONDS, also for a server in another process."""

import time

import httpx
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token

from hawk.web.authentication import (
    KEY_PREFIX,
    cached_entry,
    forget_everything_local,
    token_digest,
)
from hawk.web.redis_clients import blocking_redis
from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PLAN = "/hawk-agent/plan"
BODY = {"user_prompt": "hedge 150K CNY"}


def token_of(client) -> Token:
    return Token.objects.get(key=client._credentials["HTTP_AUTHORIZATION"].split()[1])


def test_a_known_token_costs_no_query_from_memory_or_from_redis(
    api_client, django_assert_num_queries
):
    key = token_of(api_client).key
    first = cached_entry(key)
    with django_assert_num_queries(0):
        assert cached_entry(key) == first
        forget_everything_local()
        assert cached_entry(key) == first  # from Redis
    assert first["roles"] == ["analyst"]
    assert "templates_app.run_prompts" in first["permissions"]


def test_the_redis_entry_lives_no_longer_than_the_setting(api_client, settings):
    settings.HAWK_AUTH_CACHE_SECONDS = 7
    key = token_of(api_client).key
    cached_entry(key)
    lifetime_ms = blocking_redis().pttl(KEY_PREFIX + token_digest(key))
    assert 0 < lifetime_ms <= 7000


def test_a_deleted_token_is_refused_at_once(api_client):
    assert api_client.post(PLAN, BODY, format="json").status_code == 200
    token_of(api_client).delete()
    refused = api_client.post(PLAN, BODY, format="json")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"


def test_a_deactivated_user_is_refused_at_once(api_client, user):
    assert api_client.post(PLAN, BODY, format="json").status_code == 200
    user.is_active = False
    user.save()
    assert api_client.post(PLAN, BODY, format="json").status_code == 401


def test_a_user_taken_out_of_the_analysts_loses_the_right_to_run_prompts_at_once(api_client, user):
    assert api_client.post(PLAN, BODY, format="json").status_code == 200
    Group.objects.get(name="analyst").user_set.remove(user)
    assert api_client.post(PLAN, BODY, format="json").status_code == 403


def test_a_user_given_the_analyst_role_may_run_prompts_at_once(api_client, user):
    user.groups.clear()
    assert api_client.post(PLAN, BODY, format="json").status_code == 403
    user.groups.add(Group.objects.get(name="analyst"))
    assert api_client.post(PLAN, BODY, format="json").status_code == 200


def plan_status(url: str, key: str) -> int:
    headers = {"Authorization": f"Token {key}"}
    return httpx.post(f"{url}{PLAN}", json=BODY, headers=headers, timeout=10).status_code


def first_refusal_within(url: str, key: str, seconds: float) -> float | None:
    """Seconds until the server refuses the token, polling; None if not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if plan_status(url, key) == 401:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


@pytest.mark.django_db(transaction=True)
def test_a_token_deleted_through_the_orm_stops_working_in_another_process_at_once(user):
    key = Token.objects.create(user=user).key
    with uvicorn_process(HAWK_AUTH_LOCAL_SECONDS="0") as server:
        assert plan_status(server.url, key) == 200
        Token.objects.filter(key=key).delete()
        assert plan_status(server.url, key) == 401


@pytest.mark.django_db(transaction=True)
def test_a_token_deleted_around_the_orm_stops_working_within_the_bound(user):
    key = Token.objects.create(user=user).key
    with uvicorn_process(HAWK_AUTH_CACHE_SECONDS="1") as server:
        assert plan_status(server.url, key) == 200
        with connection.cursor() as cursor:  # raw SQL: no signal, the cache is not told
            cursor.execute("DELETE FROM authtoken_token WHERE key = %s", [key])
        # The bound is 1 s; the margin covers a loaded machine, not a longer cache.
        assert first_refusal_within(server.url, key, seconds=3.0) is not None
